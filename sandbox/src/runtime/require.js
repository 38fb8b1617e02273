// CommonJS for the one file a program is: `require`, `module`, `exports`, `__filename`
// and `__dirname` as in Node's `main.js`. They are globals rather than parameters of a
// function wrapper so that the script keeps its REPL-style completion value (the
// playground shows it); the consequences (top-level `this`, `var`) are in docs/runtime.md.
import { codedError } from './internals.js';
import { AVAILABLE, UNAVAILABLE, isBuiltin, lazyModule, notAPackage } from './registry.js';
import { isPackage, loadPackage } from './packages.js';

const FILENAME = '/main.js';
const DIRNAME = '/';

const invalidId = (id) => codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "id" argument must be of type string. Received ${id === null ? 'null' : typeof id === 'object' ? 'an instance of Object' : `type ${typeof id} (${String(id)})`}`);

const load = (id) => {
  if (typeof id !== 'string') throw invalidId(id);
  if (id === '') throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', "The argument 'id' must be a non-empty string. Received ''");
  const bare = id.startsWith('node:') ? id.slice(5) : id;
  // `node:`-only names (node:test, node:sqlite, node:sea) are not reachable without it.
  if ((bare === 'test' || bare === 'sqlite' || bare === 'sea') && bare === id) throw notAPackage(id);
  // A bundled npm package (never with `node:`); a package's own requires of core modules
  // come back through load.
  if (bare === id && isPackage(id)) return loadPackage(id, load);
  // `node:lodash` names no package: node says there is no such core module.
  if (bare !== id && !isBuiltin(id)) throw codedError(Error, 'ERR_UNKNOWN_BUILTIN_MODULE', `No such built-in module: ${id}`);
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
}
// Plain properties, enumerable as in Node (an ES module import of 'module' lists them).
Object.assign(Module, {
  builtinModules: [...AVAILABLE, ...Object.keys(UNAVAILABLE)].sort(),
  isBuiltin: (name) => isBuiltin(name),
  createRequire: () => makeRequire(),
  // Node's loader entry point; here it goes through the same checks as require.
  _load: (id) => load(id),
  wrap: (script) => `(function (exports, require, module, __filename, __dirname) { ${script}\n});`,
  Module,
});

export const mainModule = new Module('.');
mainModule.filename = FILENAME;

function makeRequire() {
  const require = function require(id) { return load(id); };
  require.resolve = (id) => {
    if (typeof id !== 'string') throw invalidId(id);
    if (isBuiltin(id)) return id;
    load(id);
    return isPackage(id) ? `/node_modules/${id}` : id;
  };
  require.resolve.paths = (id) => (isBuiltin(id) ? null : ['/node_modules']);
  require.main = mainModule;
  require.extensions = Object.create(null);
  require.cache = Object.assign(Object.create(null), { [FILENAME]: mainModule });
  return require;
}

export const moduleModule = Module;

// What ES module syntax in main.js becomes (see esm.ts on the host): an import is the
// module's namespace, `default` being what require returns, as Node gives CommonJS and
// core modules to ES modules.
const namespaces = new Map();
const namespaceOf = (id) => {
  const exports = load(id);
  let ns = namespaces.get(exports);
  if (ns === undefined) {
    ns = Object.create(null);
    const isObject = exports !== null && (typeof exports === 'object' || typeof exports === 'function');
    if (isObject) {
      for (const key of Object.keys(exports)) ns[key] = exports[key];
    }
    // A package built from ES modules (chalk, nanoid, zod's `export default`): node imports
    // its ES build, whose default export is `default`, not the whole module.
    ns.default = isObject && isPackage(id) && exports.__esModule === true && 'default' in exports ? exports.default : exports;
    Object.defineProperty(ns, Symbol.toStringTag, { value: 'Module' });
    Object.freeze(ns);
    namespaces.set(exports, ns);
  }
  return ns;
};
const importModule = (id) => namespaceOf(id);
importModule.dynamic = (id) => new Promise((resolve) => resolve(namespaceOf(typeof id === 'string' ? id : String(id))));
importModule.meta = Object.freeze(Object.assign(Object.create(null), {
  dirname: DIRNAME.length > 1 ? DIRNAME : '/',
  filename: FILENAME,
  resolve: (id) => (isBuiltin(id) ? (String(id).startsWith('node:') ? id : `node:${id}`) : `file:///${String(id).replace(/^\.?\//, '')}`),
  url: `file://${FILENAME}`,
}));

/** The values of main.js's CommonJS names (index.js makes them globals). */
export const mainRequire = makeRequire();
export const mainExports = mainModule.exports;
export { importModule };
