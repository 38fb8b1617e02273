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
