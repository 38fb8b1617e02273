// timers and timers/promises over the runtime's own event loop (the same functions as
// the globals, so ordering is the loop's).
import { codedError } from '../internals.js';

const g = globalThis;
export default {
  setTimeout: g.setTimeout, clearTimeout: g.clearTimeout,
  setInterval: g.setInterval, clearInterval: g.clearInterval,
  setImmediate: g.setImmediate, clearImmediate: g.clearImmediate,
  get promises() { return promises; },
};

const aborted = (signal) => {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  e.code = 'ABORT_ERR';
  e.cause = signal.reason;
  return e;
};
const checkSignal = (options) => {
  const signal = options?.signal;
  if (signal !== undefined && (signal === null || typeof signal.aborted !== 'boolean')) {
    throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', 'The "options.signal" property must be an instance of AbortSignal.');
  }
  return signal;
};
const later = (schedule, clear, value, options) => new Promise((resolve, reject) => {
  const signal = checkSignal(options);
  if (signal?.aborted) return reject(aborted(signal));
  const handle = schedule(() => {
    signal?.removeEventListener('abort', onAbort);
    resolve(value);
  });
  if (options?.ref === false) handle.unref?.();
  const onAbort = () => { clear(handle); reject(aborted(signal)); };
  signal?.addEventListener('abort', onAbort, { once: true });
});

export const promises = {
  setTimeout: (delay, value, options) => later((f) => g.setTimeout(f, delay), g.clearTimeout, value, options),
  setImmediate: (value, options) => later((f) => g.setImmediate(f), g.clearImmediate, value, options),
  async *setInterval(delay, value, options) {
    const signal = checkSignal(options);
    if (signal?.aborted) throw aborted(signal);
    let pending = 0;
    let wake = null;
    const id = g.setInterval(() => { pending++; if (wake) { wake(); wake = null; } }, delay);
    const onAbort = () => { if (wake) { wake(); wake = null; } };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        if (pending === 0) await new Promise((r) => { wake = r; });
        if (signal?.aborted) throw aborted(signal);
        pending--;
        yield value;
      }
    } finally {
      g.clearInterval(id);
      signal?.removeEventListener('abort', onAbort);
    }
  },
  scheduler: {
    wait: (delay, options) => promises.setTimeout(delay, undefined, options),
    yield: () => promises.setImmediate(),
  },
};
