console.log(typeof global, global === globalThis, typeof setImmediate, typeof structuredClone, typeof queueMicrotask);
console.log(typeof TextEncoder, typeof URL, typeof AbortController, typeof EventTarget, typeof Event, typeof navigator);
