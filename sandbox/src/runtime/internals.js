// The prelude's private handle for this layer (event-loop hooks, output, exit). Taken
// once while the snapshot is built and removed from the global object, so user code
// never sees it.
export const internals = globalThis.__playgroundInternals;
delete globalThis.__playgroundInternals;

export const { hooks, write, nowMs, die, timers } = internals;

// Taken while the snapshot is built, before any program runs: the loaders (libs.js,
// packages.js) are themselves evaluated lazily, on a first require, when a program may
// already have replaced these; a replaced eval would be handed their loader's require.
export const trustedEval = globalThis.eval;
export const trustedApply = Reflect.apply;
export const trustedHasOwn = Object.hasOwn;

/** An Error with Node's `code` property, as Node's own errors carry. */
export const codedError = (Ctor, code, message) => {
  const e = new Ctor(message);
  e.code = code;
  return e;
};

// Built-ins the web globals (web-crypto.js, blob.js, fetch.js, messaging.js) use, taken
// with the snapshot for the same reason: those files are evaluated on first use, after a
// program may have replaced Promise.resolve or a prototype method, and must neither hand
// their values to the program's functions nor be fooled by them.
const { apply } = Reflect;
const uncurry = (fn) => (self, ...args) => apply(fn, self, args);
export const primordials = Object.freeze({
  PromiseCtor: Promise,
  PromiseResolve: Promise.resolve.bind(Promise),
  PromiseReject: Promise.reject.bind(Promise),
  PromiseThen: uncurry(Promise.prototype.then),
  ArrayBufferIsView: ArrayBuffer.isView,
  ArrayBufferByteLength: uncurry(Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get),
  ArrayBufferSlice: uncurry(ArrayBuffer.prototype.slice),
  Uint8ArrayCtor: Uint8Array,
  TypedArraySlice: uncurry(Uint8Array.prototype.slice),
  TypedArraySet: uncurry(Uint8Array.prototype.set),
  TypedArraySubarray: uncurry(Uint8Array.prototype.subarray),
  TypedArrayBuffer: uncurry(Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'buffer').get),
  TypedArrayByteOffset: uncurry(Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'byteOffset').get),
  TypedArrayByteLength: uncurry(Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'byteLength').get),
  DataViewBuffer: uncurry(Object.getOwnPropertyDescriptor(DataView.prototype, 'buffer').get),
  DataViewByteOffset: uncurry(Object.getOwnPropertyDescriptor(DataView.prototype, 'byteOffset').get),
  DataViewByteLength: uncurry(Object.getOwnPropertyDescriptor(DataView.prototype, 'byteLength').get),
  StringToUpperCase: uncurry(String.prototype.toUpperCase),
  StringToLowerCase: uncurry(String.prototype.toLowerCase),
  ArrayPush: uncurry(Array.prototype.push),
  ArrayShift: uncurry(Array.prototype.shift),
  ObjectDefineProperty: Object.defineProperty,
  ObjectFreeze: Object.freeze,
  TextEncoderCtor: globalThis.TextEncoder,
  TextEncoderEncode: uncurry(globalThis.TextEncoder.prototype.encode),
  TextDecoderCtor: globalThis.TextDecoder,
  TextDecoderDecode: uncurry(globalThis.TextDecoder.prototype.decode),
  DateNow: Date.now,
  NumberCtor: Number,
  MathMax: Math.max,
  MathMin: Math.min,
  MathTrunc: Math.trunc,
  SymbolIterator: Symbol.iterator,
  DOMExceptionCtor: globalThis.DOMException,
  TypeErrorCtor: TypeError,
  RangeErrorCtor: RangeError,
  ErrorCtor: Error,
  JSONParse: JSON.parse,
  JSONStringify: JSON.stringify,
  MapCtor: Map,
  MapGet: uncurry(Map.prototype.get),
  MapSet: uncurry(Map.prototype.set),
  MapHas: uncurry(Map.prototype.has),
  MapDelete: uncurry(Map.prototype.delete),
  MapForEach: uncurry(Map.prototype.forEach),
  ObjectGetOwnPropertyNames: Object.getOwnPropertyNames,
  ReflectApply: apply,
  structuredClone: globalThis.structuredClone,
  URLCtor: globalThis.URL,
  URLSearchParamsCtor: globalThis.URLSearchParams,
  RegExpTest: uncurry(RegExp.prototype.test),
  StringTrimHttp: (s) => apply(String.prototype.replace, s, [/^[\t\n\r ]+|[\t\n\r ]+$/g, '']),
  ObjectKeys: Object.keys,
});

/** The bytes of an ArrayBuffer or view as a Uint8Array over the same memory; null for anything else. */
export const viewBytes = (data) => {
  const p = primordials;
  if (p.ArrayBufferIsView(data)) {
    try {
      return new p.Uint8ArrayCtor(p.TypedArrayBuffer(data), p.TypedArrayByteOffset(data), p.TypedArrayByteLength(data));
    } catch {
      return new p.Uint8ArrayCtor(p.DataViewBuffer(data), p.DataViewByteOffset(data), p.DataViewByteLength(data));
    }
  }
  try {
    p.ArrayBufferByteLength(data);
    return new p.Uint8ArrayCtor(data);
  } catch {
    return null;
  }
};
