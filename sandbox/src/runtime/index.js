// The Node layer of the runtime, evaluated into the snapshot right after prelude.js:
// `process`, CommonJS `require` for main.js, Node's core modules (evaluated on first
// require), and the globals Node has that the prelude does not (Buffer, EventTarget,
// AbortController, navigator). Same rules as the prelude: it runs next to hostile code
// and talks to the host only through the prelude's hooks.
//
// Every global here is an accessor that evaluates its module on first use (then becomes
// a plain value). Each function object in the snapshot costs a fresh isolate about a
// microsecond to create; built eagerly, this layer added ~0.6 ms to every isolate, for
// hello world too. process.js installs the event-loop hooks when it is evaluated, which
// is early enough: before that no nextTick, listener or exit code can exist.
//
// First: takes the prelude's handle off the global object before anything else runs.
import { internals } from './internals.js';
import './dom-exception.js';

// The host Node's versions, set while the snapshot is built; process.js reads them.
const versions = globalThis.__playgroundNodeVersions;
delete globalThis.__playgroundNodeVersions;
internals.nodeVersions = versions;

const define = (name, value) => Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
const lazyGlobal = (name, load) => Object.defineProperty(globalThis, name, {
  configurable: true,
  enumerable: false,
  get() {
    const value = load();
    define(name, value);
    return value;
  },
  set(value) { define(name, value); },
});

const processModule = () => require('./process.js').process;
const webEvents = () => require('./web-events.js');
const commonJs = () => require('./require.js');

lazyGlobal('process', processModule);
lazyGlobal('Buffer', () => require('./registry.js').lazyModule('buffer').Buffer);
lazyGlobal('Event', () => webEvents().Event);
lazyGlobal('EventTarget', () => webEvents().EventTarget);
lazyGlobal('CustomEvent', () => webEvents().CustomEvent);
lazyGlobal('AbortController', () => webEvents().AbortController);
lazyGlobal('AbortSignal', () => webEvents().AbortSignal);
// Web Crypto: the prelude's `crypto` object (randomness) gets `subtle`, evaluated on first
// use. Kept here as the snapshot made it, for require('crypto').webcrypto: a program may
// replace the global before its first require.
const webcrypto = globalThis.crypto;
internals.webcrypto = webcrypto;
Object.defineProperty(webcrypto, 'subtle', { configurable: true, enumerable: true, get() { return require('./web-crypto.js').subtle; } });
lazyGlobal('SubtleCrypto', () => require('./web-crypto.js').SubtleCrypto);
lazyGlobal('Blob', () => require('./blob.js').Blob);
lazyGlobal('File', () => require('./blob.js').File);
// fetch and its classes: evaluated on first use (fetch.js, which also loads blob.js).
for (const name of ['fetch', 'Headers', 'Request', 'Response']) lazyGlobal(name, () => require('./fetch.js')[name]);
// Message ports: evaluated on first use; messaging.js then installs its poll-phase hooks.
for (const name of ['MessageChannel', 'MessagePort', 'MessageEvent']) lazyGlobal(name, () => require('./messaging.js')[name]);
lazyGlobal('navigator', () => Object.freeze(Object.create(Object.prototype, {
  hardwareConcurrency: { value: 1, enumerable: true },
  language: { value: 'en-US', enumerable: true },
  languages: { value: Object.freeze(['en-US']), enumerable: true },
  platform: { value: 'linux', enumerable: true },
  userAgent: { value: `Node.js/${String(versions?.node ?? '24').split('.')[0]}`, enumerable: true },
  [Symbol.toStringTag]: { value: 'Navigator' },
})));

// main.js's CommonJS names. Globals rather than parameters of a function wrapper, so the
// script keeps its completion value; writable, so a program may shadow them.
lazyGlobal('require', () => commonJs().mainRequire);
lazyGlobal('module', () => commonJs().mainModule);
lazyGlobal('exports', () => commonJs().mainExports);
lazyGlobal('__playgroundImport', () => commonJs().importModule);
define('__filename', '/main.js');
define('__dirname', '/');
