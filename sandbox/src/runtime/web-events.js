// Event, EventTarget, CustomEvent, AbortController and AbortSignal, per the DOM standard
// as Node implements it (including how `util.inspect` shows them). Hand-written: the npm
// shims (event-target-shim, abort-controller) predate AbortSignal.timeout/any and print
// differently, and these must exist before the core modules evaluate.
import { nowMs, timers } from './internals.js';

const kInspect = Symbol.for('nodejs.util.inspect.custom');
const kListeners = Symbol('listeners');
const kStop = Symbol('stopImmediate');
const invalidThis = (name) => Object.assign(new TypeError(`Value of "this" must be of type ${name}`), { code: 'ERR_INVALID_THIS' });
const inspectObject = (name, fields, depth, options, inspect) => {
  if (depth < 0) return name;
  return `${name} ${inspect(fields, { ...options, depth: options.depth === null ? null : options.depth - 1 })}`;
};

export class Event {
  #type; #bubbles; #cancelable; #composed; #defaultPrevented = false; #timeStamp; #propagationStopped = false;
  #target = null; #currentTarget = null; #phase = 0;
  constructor(type, options = undefined) {
    if (arguments.length === 0) throw Object.assign(new TypeError('The "type" argument must be specified'), { code: 'ERR_MISSING_ARGS' });
    this.#type = `${type}`;
    this.#bubbles = Boolean(options?.bubbles);
    this.#cancelable = Boolean(options?.cancelable);
    this.#composed = Boolean(options?.composed);
    this.#timeStamp = nowMs();
    this[kStop] = false;
  }
  get type() { return this.#type; }
  get bubbles() { return this.#bubbles; }
  get cancelable() { return this.#cancelable; }
  get composed() { return this.#composed; }
  get defaultPrevented() { return this.#cancelable && this.#defaultPrevented; }
  get returnValue() { return !this.defaultPrevented; }
  get timeStamp() { return this.#timeStamp; }
  get isTrusted() { return false; }
  get target() { return this.#target; }
  get currentTarget() { return this.#currentTarget; }
  get srcElement() { return this.#target; }
  get eventPhase() { return this.#phase; }
  get cancelBubble() { return this.#propagationStopped; }
  set cancelBubble(v) { if (v) this.#propagationStopped = true; }
  composedPath() { return this.#phase === 0 ? [] : [this.#currentTarget]; }
  preventDefault() { this.#defaultPrevented = true; }
  stopPropagation() { this.#propagationStopped = true; }
  stopImmediatePropagation() { this.#propagationStopped = true; this[kStop] = true; }
  static _dispatching(event, target) {
    event.#target = target;
    event.#currentTarget = target;
    event.#phase = 2;
  }
  static _done(event) { event.#currentTarget = null; event.#phase = 0; }
  [kInspect](depth, options, inspect) {
    return inspectObject(this.constructor.name, {
      type: this.#type, defaultPrevented: this.defaultPrevented, cancelable: this.#cancelable, timeStamp: this.#timeStamp,
    }, depth, options, inspect);
  }
  static NONE = 0;
  static CAPTURING_PHASE = 1;
  static AT_TARGET = 2;
  static BUBBLING_PHASE = 3;
}
Object.defineProperty(Event.prototype, Symbol.toStringTag, { value: 'Event', configurable: true });

export class CustomEvent extends Event {
  #detail;
  constructor(type, options = undefined) {
    super(type, options);
    this.#detail = options?.detail ?? null;
  }
  get detail() { return this.#detail; }
}
Object.defineProperty(CustomEvent.prototype, Symbol.toStringTag, { value: 'CustomEvent', configurable: true });

export class EventTarget {
  constructor() {
    Object.defineProperty(this, kListeners, { value: new Map() });
  }
  addEventListener(type, listener, options = undefined) {
    if (!(this instanceof EventTarget)) throw invalidThis('EventTarget');
    if (listener === null || listener === undefined) return;
    const once = typeof options === 'object' && options !== null && Boolean(options.once);
    const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
    const signal = typeof options === 'object' && options !== null ? options.signal : undefined;
    if (signal?.aborted) return;
    type = `${type}`;
    const list = this[kListeners].get(type) ?? [];
    if (list.some((l) => l.listener === listener && l.capture === capture)) return;
    const entry = { listener, once, capture, removed: false };
    list.push(entry);
    this[kListeners].set(type, list);
    if (signal !== undefined) signal.addEventListener('abort', () => this.removeEventListener(type, listener, { capture }), { once: true });
  }
  removeEventListener(type, listener, options = undefined) {
    if (!(this instanceof EventTarget)) throw invalidThis('EventTarget');
    const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
    const list = this[kListeners].get(`${type}`);
    if (list === undefined) return;
    const i = list.findIndex((l) => l.listener === listener && l.capture === capture);
    if (i >= 0) { list[i].removed = true; list.splice(i, 1); }
  }
  dispatchEvent(event) {
    if (!(this instanceof EventTarget)) throw invalidThis('EventTarget');
    if (!(event instanceof Event)) {
      throw Object.assign(new TypeError(`The "event" argument must be an instance of Event. Received ${event === null ? 'null' : typeof event === 'object' ? `an instance of ${event.constructor?.name ?? 'Object'}` : `type ${typeof event} (${String(event)})`}`), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    Event._dispatching(event, this);
    const list = this[kListeners].get(event.type);
    if (list !== undefined) {
      for (const entry of [...list]) {
        if (entry.removed) continue;
        if (entry.once) this.removeEventListener(event.type, entry.listener, { capture: entry.capture });
        try {
          const { listener } = entry;
          const result = typeof listener === 'function' ? Reflect.apply(listener, this, [event]) : listener?.handleEvent?.(event);
          // Node reports a rejected async listener like an uncaught exception.
          if (result && typeof result.then === 'function') result.then(undefined, (e) => { timers.setTimeout(() => { throw e; }, 0); });
        } catch (e) {
          // As in Node: the error surfaces as an uncaught exception after dispatch.
          queueMicrotask(() => { throw e; });
        }
        if (event[kStop]) break;
      }
    }
    Event._done(event);
    return !event.defaultPrevented;
  }
  [kInspect](depth, options, inspect) {
    return inspectObject(this.constructor.name, {}, depth, options, inspect);
  }
}
Object.defineProperty(EventTarget.prototype, Symbol.toStringTag, { value: 'EventTarget', configurable: true });

const abortError = () => new DOMException('This operation was aborted', 'AbortError');


let constructing = false;

export class AbortSignal extends EventTarget {
  #aborted = false;
  #reason = undefined;
  onabort = null;
  constructor() {
    if (!constructing) throw Object.assign(new TypeError('Illegal constructor'), { code: 'ERR_ILLEGAL_CONSTRUCTOR' });
    super();
    Object.defineProperty(this, 'onabort', { enumerable: false, writable: true, value: null });
  }
  static _create() {
    constructing = true;
    try { return new AbortSignal(); } finally { constructing = false; }
  }
  static _abort(signal, reason) {
    if (signal.#aborted) return;
    signal.#aborted = true;
    signal.#reason = reason === undefined ? abortError() : reason;
    const event = new Event('abort');
    if (typeof signal.onabort === 'function') {
      try { Reflect.apply(signal.onabort, signal, [event]); } catch (e) { queueMicrotask(() => { throw e; }); }
    }
    signal.dispatchEvent(event);
  }
  get aborted() { return this.#aborted; }
  get reason() { return this.#reason; }
  throwIfAborted() { if (this.#aborted) throw this.#reason; }
  static abort(reason = undefined) {
    const s = AbortSignal._create();
    AbortSignal._abort(s, reason);
    return s;
  }
  static timeout(ms) {
    const s = AbortSignal._create();
    // Like Node's, this timer does not keep the program alive.
    timers.setTimeout(() => AbortSignal._abort(s, new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms).unref();
    return s;
  }
  static any(signals) {
    const s = AbortSignal._create();
    for (const source of signals) {
      if (source.aborted) { AbortSignal._abort(s, source.reason); return s; }
    }
    for (const source of signals) source.addEventListener('abort', () => AbortSignal._abort(s, source.reason), { once: true });
    return s;
  }
  [kInspect](depth, options, inspect) {
    return inspectObject('AbortSignal', { aborted: this.#aborted }, depth, options, inspect);
  }
}
Object.defineProperty(AbortSignal.prototype, Symbol.toStringTag, { value: 'AbortSignal', configurable: true });

export class AbortController {
  #signal = AbortSignal._create();
  get signal() { return this.#signal; }
  abort(reason = undefined) { AbortSignal._abort(this.#signal, reason); }
  [kInspect](depth, options, inspect) {
    return inspectObject('AbortController', { signal: this.#signal }, depth, options, inspect);
  }
}
Object.defineProperty(AbortController.prototype, Symbol.toStringTag, { value: 'AbortController', configurable: true });
