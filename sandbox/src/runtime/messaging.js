// MessageChannel, MessagePort and MessageEvent, as Node's within one thread: postMessage
// clones its value (the prelude's structuredClone, so a non-cloneable value throws a
// DataCloneError at once) and the other port receives it as a MessageEvent in the event
// loop's poll phase (prelude.js `hooks.poll`): after due timers and before immediates, as
// libuv delivers Node's. Hand-written: there is no second thread to talk to, so no
// package applies; this is a queue. As in Node, a port receives once it has a 'message'
// listener (or start()), holds what came before, and while it is open with a listener and
// not unref()'d it keeps the run alive, until close() (or the run's time limit).
import { codedError, hooks, primordials } from './internals.js';
import { Event, EventTarget } from './web-events.js';

const { ArrayPush, ArrayShift, TypeErrorCtor, ObjectDefineProperty, structuredClone, ReflectApply } = primordials;
const kInspect = Symbol.for('nodejs.util.inspect.custom');

// Deliveries waiting for the next poll phase, and the ones of the phase under way.
let queue = [];
let current = [];
let inPhase = false;
// Ports that are open, started, listened to and ref'd: each keeps the run alive.
let keepingAlive = 0;

class MessageEvent extends Event {
  #data; #origin; #lastEventId; #source; #ports;
  constructor(type, options = undefined) {
    super(type, options);
    this.#data = options?.data ?? null;
    this.#origin = options?.origin === undefined ? '' : `${options.origin}`;
    this.#lastEventId = options?.lastEventId === undefined ? '' : `${options.lastEventId}`;
    this.#source = options?.source ?? null;
    this.#ports = [];
  }
  get data() { return this.#data; }
  get origin() { return this.#origin; }
  get lastEventId() { return this.#lastEventId; }
  get source() { return this.#source; }
  get ports() { return this.#ports; }
}
ObjectDefineProperty(MessageEvent.prototype, Symbol.toStringTag, { value: 'MessageEvent', configurable: true });

let constructing = false;

class MessagePort extends EventTarget {
  #peer = null;
  #closed = false;
  #started = false;
  #listeners = 0;
  #refed = true;
  #alive = false;
  #held = [];
  #onmessage = null;
  #handler = null;

  constructor() {
    if (!constructing) throw codedError(TypeErrorCtor, 'ERR_CONSTRUCT_CALL_INVALID', 'Constructor cannot be called');
    super();
  }

  static _entangle(a, b) { a.#peer = b; b.#peer = a; }

  /** Recounts whether this port keeps the run alive. */
  #update() {
    const alive = !this.#closed && this.#started && this.#listeners > 0 && this.#refed;
    if (alive !== this.#alive) { keepingAlive += alive ? 1 : -1; this.#alive = alive; }
  }

  #start() {
    if (this.#started || this.#closed) return;
    this.#started = true;
    for (let i = 0; i < this.#held.length; i++) ArrayPush(queue, this.#held[i]);
    this.#held = [];
    this.#update();
  }

  /** Called in the poll phase with one delivery for this port. */
  static _deliver(port, entry) {
    if (entry.close) {
      port.dispatchEvent(new Event('close'));
      return;
    }
    if (!port.#started) { ArrayPush(port.#held, entry); return; }
    port.dispatchEvent(new MessageEvent('message', { data: entry.data }));
  }

  postMessage(value, transfer = undefined) {
    if (!(#peer in this)) throw codedError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type MessagePort');
    if (arguments.length === 0) throw codedError(TypeErrorCtor, 'ERR_MISSING_ARGS', 'The "value" argument must be specified');
    void transfer;
    // Cloned now, as Node does: later changes to the value do not travel.
    const data = structuredClone(value);
    if (this.#closed || this.#peer === null) return;
    ArrayPush(queue, { port: this.#peer, data, close: false });
  }

  start() { this.#start(); }

  close() {
    if (this.#closed) return;
    const ports = this.#peer === null ? [this] : [this, this.#peer];
    for (let i = 0; i < ports.length; i++) {
      const port = ports[i];
      port.#closed = true;
      port.#update();
      ArrayPush(queue, { port, data: undefined, close: true });
    }
  }

  ref() { this.#refed = true; this.#update(); return this; }
  unref() { this.#refed = false; this.#update(); return this; }
  hasRef() { return this.#alive; }

  addEventListener(type, listener, options = undefined) {
    ReflectApply(EventTarget.prototype.addEventListener, this, [type, listener, options]);
    if (`${type}` === 'message' && listener !== null && listener !== undefined) {
      this.#listeners++;
      this.#start();
      this.#update();
    }
  }

  removeEventListener(type, listener, options = undefined) {
    ReflectApply(EventTarget.prototype.removeEventListener, this, [type, listener, options]);
    if (`${type}` === 'message' && this.#listeners > 0) { this.#listeners--; this.#update(); }
  }

  get onmessage() { return this.#onmessage; }
  set onmessage(fn) {
    if (this.#handler !== null) { this.removeEventListener('message', this.#handler); this.#handler = null; }
    this.#onmessage = typeof fn === 'function' ? fn : null;
    if (this.#onmessage !== null) {
      const handler = (event) => ReflectApply(this.#onmessage, this, [event]);
      this.#handler = handler;
      this.addEventListener('message', handler);
    }
  }

  [kInspect](depth, options, inspect) {
    if (depth < 0) return 'MessagePort';
    return `MessagePort ${inspect({ active: !this.#closed, refed: this.#alive }, { ...options, depth: options.depth == null ? null : options.depth - 1 })}`;
  }
}
ObjectDefineProperty(MessagePort.prototype, Symbol.toStringTag, { value: 'MessagePort', configurable: true });

class MessageChannel {
  #port1; #port2;
  constructor() {
    constructing = true;
    try {
      this.#port1 = new MessagePort();
      this.#port2 = new MessagePort();
    } finally {
      constructing = false;
    }
    MessagePort._entangle(this.#port1, this.#port2);
  }
  get port1() { return this.#port1; }
  get port2() { return this.#port2; }
  [kInspect](depth, options, inspect) {
    if (depth < 0) return 'MessageChannel';
    return `MessageChannel ${inspect({ port1: this.#port1, port2: this.#port2 }, { ...options, depth: options.depth == null ? null : options.depth - 1 })}`;
  }
}
ObjectDefineProperty(MessageChannel.prototype, Symbol.toStringTag, { value: 'MessageChannel', configurable: true });

// The event loop's side: one delivery per call, from those queued before the phase began.
hooks.poll = () => {
  if (!inPhase) {
    current = queue;
    queue = [];
    inPhase = true;
  }
  if (current.length === 0) { inPhase = false; return false; }
  const entry = ArrayShift(current);
  MessagePort._deliver(entry.port, entry);
  return true;
};
hooks.pollState = () => (queue.length !== 0 || current.length !== 0 ? 1 : keepingAlive > 0 ? 2 : 0);

export { MessageChannel, MessageEvent, MessagePort };
