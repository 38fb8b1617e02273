// The prelude's private handle for this layer (event-loop hooks, output, exit). Taken
// once while the snapshot is built and removed from the global object, so user code
// never sees it.
export const internals = globalThis.__playgroundInternals;
delete globalThis.__playgroundInternals;

export const { hooks, write, nowMs, die, timers } = internals;

/** An Error with Node's `code` property, as Node's own errors carry. */
export const codedError = (Ctor, code, message) => {
  const e = new Ctor(message);
  e.code = code;
  return e;
};
