// The Node layer of the runtime, evaluated into the snapshot right after prelude.js:
// `process`, CommonJS `require` for main.js, Node's core modules (evaluated on first
// require), and the globals Node has that the prelude does not (Buffer, EventTarget,
// AbortController, navigator). Same rules as the prelude: it runs next to hostile code
// and talks to the host only through the prelude's hooks.
// First: takes the prelude's handle off the global object before anything else runs.
import './internals.js';
import { process, setNodeVersions } from './process.js';
import { AbortController, AbortSignal, CustomEvent, Event, EventTarget } from './web-events.js';
import { installCommonJsGlobals } from './require.js';
import { lazyModule } from './registry.js';

setNodeVersions(globalThis.__playgroundNodeVersions);
delete globalThis.__playgroundNodeVersions;

const define = (name, value) => Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
define('process', process);
define('Event', Event);
define('EventTarget', EventTarget);
define('CustomEvent', CustomEvent);
define('AbortController', AbortController);
define('AbortSignal', AbortSignal);
define('navigator', Object.freeze(Object.create(Object.prototype, {
  hardwareConcurrency: { value: 1, enumerable: true },
  language: { value: 'en-US', enumerable: true },
  languages: { value: Object.freeze(['en-US']), enumerable: true },
  platform: { value: 'linux', enumerable: true },
  userAgent: { value: `Node.js/${process.version.slice(1).split('.')[0]}`, enumerable: true },
  [Symbol.toStringTag]: { value: 'Navigator' },
})));

// Buffer is a global in Node; the buffer module is evaluated the first time it is read.
Object.defineProperty(globalThis, 'Buffer', {
  configurable: true,
  enumerable: false,
  get() {
    const { Buffer } = lazyModule('buffer');
    define('Buffer', Buffer);
    return Buffer;
  },
  set(value) { define('Buffer', value); },
});

installCommonJsGlobals();
