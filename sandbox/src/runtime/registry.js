// Node's core modules by name. Each entry is a factory evaluated on first require, so
// hello world pays for none of them: the hand-written ones are compiled into the snapshot
// (the `require()` calls below become lazy initialisers when esbuild bundles this
// folder); the ones ported from Node (libs/) are kept as source text, see libs.js. A module's value is what Node's CommonJS `require`
// returns: for most that is the module object, for events and assert a function.
import { codedError } from './internals.js';
import { loadLib } from './libs.js';
import { packageList } from './packages.js';

/* eslint-disable global-require */
// buffer's Blob and File are the globals' classes (blob.js), evaluated on first use.
const withBlob = (buffer) => {
  for (const name of ['Blob', 'File']) {
    Object.defineProperty(buffer, name, { enumerable: true, configurable: true, get: () => require('./blob.js')[name], set(value) { Object.defineProperty(buffer, name, { value, writable: true, enumerable: true, configurable: true }); } });
  }
  return buffer;
};
const FACTORIES = {
  assert: () => loadLib('assert'),
  'assert/strict': () => loadLib('assert').strict,
  buffer: () => withBlob(loadLib('buffer')),
  console: () => globalThis.console,
  constants: () => ({ ...require('./modules/os.js').default.constants.signals, ...require('./modules/os.js').default.constants.errno }),
  crypto: () => require('./modules/crypto.js').default,
  events: () => loadLib('events'),
  module: () => require('./require.js').moduleModule,
  os: () => require('./modules/os.js').default,
  path: () => loadLib('path'),
  'path/posix': () => loadLib('path').posix,
  perf_hooks: () => ({ performance: globalThis.performance }),
  process: () => require('./process.js').process,
  punycode: () => loadLib('punycode'),
  querystring: () => loadLib('querystring'),
  readline: () => require('./modules/readline.js').default,
  'readline/promises': () => require('./modules/readline.js').promises,
  stream: () => loadLib('stream'),
  'stream/promises': () => loadLib('stream').promises,
  string_decoder: () => loadLib('string_decoder'),
  sys: () => lazyModule('util'),
  timers: () => require('./modules/timers.js').default,
  'timers/promises': () => require('./modules/timers.js').promises,
  url: () => loadLib('url'),
  util: () => loadLib('util'),
  'util/types': () => loadLib('util').types,
  zlib: () => loadLib('zlib'),
};

// Modules that need the host. Each names what the playground offers instead.
const NO_FILES = 'a program has no file system; read input from stdin (process.stdin, require(\'readline\') or the `stdin` global) and print results';
const NO_NETWORK = 'a program has no network access';
const NO_PROCESSES = 'a program runs as one single-threaded script and cannot start processes or threads';
const NO_ENGINE = 'a program cannot reach the JavaScript engine or Node\'s internals';
export const UNAVAILABLE = {
  fs: NO_FILES, 'fs/promises': NO_FILES,
  net: NO_NETWORK, http: NO_NETWORK, https: NO_NETWORK, http2: NO_NETWORK, dgram: NO_NETWORK,
  dns: NO_NETWORK, 'dns/promises': NO_NETWORK, tls: NO_NETWORK, tty: NO_NETWORK,
  child_process: NO_PROCESSES, cluster: NO_PROCESSES, worker_threads: NO_PROCESSES,
  vm: NO_ENGINE, v8: NO_ENGINE, inspector: NO_ENGINE, 'inspector/promises': NO_ENGINE, repl: NO_ENGINE,
  wasi: NO_ENGINE, trace_events: NO_ENGINE, async_hooks: 'it is not supported yet', domain: 'it is deprecated and not supported',
  diagnostics_channel: 'it is not supported yet', 'stream/web': 'it is not supported yet', 'stream/consumers': 'it is not supported yet',
  'path/win32': 'the playground runs on POSIX paths', sqlite: NO_FILES, test: 'it is not supported yet', sea: NO_ENGINE,
};

export const AVAILABLE = Object.keys(FACTORIES).filter((n) => n !== 'sys' && n !== 'constants').sort();

const cache = new Map();

/** A core module by its bare name; throws Node-like errors for anything else. */
export const lazyModule = (name) => {
  const hit = cache.get(name);
  if (hit !== undefined) return hit.value;
  if (!Object.hasOwn(FACTORIES, name)) throw notFound(name);
  const entry = { value: undefined };
  cache.set(name, entry);
  try {
    entry.value = FACTORIES[name]();
  } catch (e) {
    cache.delete(name);
    throw e;
  }
  return entry.value;
};

export const isBuiltin = (name) => {
  const bare = typeof name === 'string' && name.startsWith('node:') ? name.slice(5) : name;
  return Object.hasOwn(FACTORIES, bare) || Object.hasOwn(UNAVAILABLE, bare);
};

/** The error for a name that is not an available core module. */
export const notFound = (name) => {
  const shown = String(name);
  if (Object.hasOwn(UNAVAILABLE, shown)) {
    return codedError(Error, 'ERR_PLAYGROUND_UNAVAILABLE', `Cannot use '${shown}' in the playground: ${UNAVAILABLE[shown]}.`);
  }
  if (/^\.{0,2}\//.test(shown)) {
    return codedError(Error, 'MODULE_NOT_FOUND', `Cannot find module '${shown}': a program is one file (main.js) and cannot load other files.`);
  }
  return notAPackage(shown);
};

/**
 * A bare name that is neither a core module nor a bundled package (`test`, `sqlite` and
 * `sea` are core modules only with the `node:` prefix; bare, they are packages).
 */
export const notAPackage = (name) => codedError(Error, 'MODULE_NOT_FOUND', `Cannot find module '${name}': it is not one of the npm packages the playground includes, and nothing is installed at run time. Packages: ${packageList}. Node core modules: ${AVAILABLE.join(', ')}.`);
