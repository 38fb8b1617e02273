// events: the browser port of Node's EventEmitter (@jspm/core), plus the newer helpers
// Node 24 exports that the port predates.
import * as ns from '@jspm/core/nodelibs/events';

const EventEmitter = ns.default;
const errorMonitor = Symbol('events.errorMonitor');
const captureRejectionSymbol = Symbol.for('nodejs.rejection');

const define = (name, value) => {
  if (!(name in EventEmitter)) Object.defineProperty(EventEmitter, name, { value, writable: true, configurable: true, enumerable: true });
};
define('errorMonitor', errorMonitor);
define('captureRejectionSymbol', captureRejectionSymbol);
define('captureRejections', false);
define('usingDomains', false);
define('getEventListeners', (target, name) => {
  if (typeof target.listeners === 'function') return target.listeners(name);
  return [];
});
define('getMaxListeners', (target) => (typeof target.getMaxListeners === 'function' ? target.getMaxListeners() : EventEmitter.defaultMaxListeners));
define('setMaxListeners', (n = EventEmitter.defaultMaxListeners, ...targets) => {
  if (targets.length === 0) EventEmitter.defaultMaxListeners = n;
  for (const t of targets) if (typeof t.setMaxListeners === 'function') t.setMaxListeners(n);
});
define('addAbortListener', (signal, listener) => {
  if (signal.aborted) queueMicrotask(() => listener());
  else signal.addEventListener('abort', listener, { once: true });
  return { [Symbol.dispose ?? Symbol.for('dispose')]() { signal.removeEventListener('abort', listener); } };
});

// events.once as in Node 24: an AbortSignal option, and EventTargets as well as emitters.
const abortError = (signal) => Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR', cause: signal.reason });
EventEmitter.once = (emitter, name, options = undefined) => new Promise((resolve, reject) => {
  const signal = options?.signal;
  if (signal?.aborted) { reject(abortError(signal)); return; }
  const isTarget = typeof emitter.addEventListener === 'function' && typeof emitter.on !== 'function';
  const onEvent = (...args) => { cleanup(); resolve(args); };
  const onError = (err) => { cleanup(); reject(err); };
  const onAbort = () => { cleanup(); reject(abortError(signal)); };
  const cleanup = () => {
    if (isTarget) emitter.removeEventListener(name, onEvent);
    else {
      emitter.removeListener(name, onEvent);
      if (name !== 'error') emitter.removeListener('error', onError);
    }
    signal?.removeEventListener('abort', onAbort);
  };
  if (isTarget) emitter.addEventListener(name, onEvent, { once: true });
  else {
    emitter.once(name, onEvent);
    if (name !== 'error') emitter.once('error', onError);
  }
  signal?.addEventListener('abort', onAbort, { once: true });
});

// errorMonitor listeners see an 'error' before the regular ones (and even when none exist).
const { emit } = EventEmitter.prototype;
EventEmitter.prototype.emit = function (type, ...args) {
  if (type === 'error' && this._events !== undefined && this._events[errorMonitor] !== undefined) {
    Reflect.apply(emit, this, [errorMonitor, ...args]);
  }
  return Reflect.apply(emit, this, [type, ...args]);
};

// Node 24's emitters carry two symbol-keyed fields, which inspect prints.
const kShapeMode = Symbol('shapeMode');
const kCapture = Symbol('kCapture');
const init = EventEmitter.init;
EventEmitter.init = function (options) {
  Reflect.apply(init, this, [options]);
  if (!Object.hasOwn(this, kShapeMode)) {
    this[kShapeMode] = false;
    this[kCapture] = Boolean(options?.captureRejections ?? EventEmitter.captureRejections);
  }
};

export default EventEmitter;
