// CommonJS for the one file a program is: `require`, `module`, `exports`, `__filename`
// and `__dirname` as in Node's `main.js`. They are globals rather than parameters of a
// function wrapper so that the script keeps its REPL-style completion value (the
// playground shows it); the consequences (top-level `this`, `var`) are in docs/runtime.md.
import { codedError } from './internals.js';
import { AVAILABLE, UNAVAILABLE, isBuiltin, lazyModule, notAPackage } from './registry.js';

const FILENAME = '/main.js';
const DIRNAME = '/';

const invalidId = (id) => codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "id" argument must be of type string. Received ${id === null ? 'null' : typeof id === 'object' ? 'an instance of Object' : `type ${typeof id} (${String(id)})`}`);

const load = (id) => {
  if (typeof id !== 'string') throw invalidId(id);
  if (id === '') throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', "The argument 'id' must be a non-empty string. Received ''");
  const bare = id.startsWith('node:') ? id.slice(5) : id;
  // `node:`-only names (node:test, node:sqlite, node:sea) are not reachable without it.
  if ((bare === 'test' || bare === 'sqlite' || bare === 'sea') && bare === id) throw notAPackage(id);
  return lazyModule(bare);
};

class Module {
  constructor(id = '', parent = undefined) {
    this.id = id;
    this.path = DIRNAME;
    this.exports = {};
    this.filename = null;
    this.loaded = false;
    this.children = [];
    this.paths = ['/node_modules'];
    void parent;
  }
  require(id) { return load(id); }
  static builtinModules = [...AVAILABLE, ...Object.keys(UNAVAILABLE)].sort();
  static isBuiltin(name) { return isBuiltin(name); }
  static createRequire() { return makeRequire(); }
  // Node's loader entry point; here it goes through the same checks as require.
  static _load(id) { return load(id); }
  static wrap(script) { return `(function (exports, require, module, __filename, __dirname) { ${script}\n});`; }
}

export const mainModule = new Module('.');
mainModule.filename = FILENAME;

function makeRequire() {
  const require = function require(id) { return load(id); };
  require.resolve = (id) => {
    if (typeof id !== 'string') throw invalidId(id);
    if (isBuiltin(id)) return id;
    load(id);
    return id;
  };
  require.resolve.paths = (id) => (isBuiltin(id) ? null : ['/node_modules']);
  require.main = mainModule;
  require.extensions = Object.create(null);
  require.cache = Object.create(null);
  return require;
}

export const moduleModule = Module;

/** The CommonJS names of main.js as globals (writable, so a program may shadow them). */
export const installCommonJsGlobals = () => {
  const define = (name, value) => Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  define('require', makeRequire());
  define('module', mainModule);
  define('exports', mainModule.exports);
  define('__filename', FILENAME);
  define('__dirname', DIRNAME);
};
