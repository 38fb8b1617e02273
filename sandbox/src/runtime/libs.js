// Loads the core modules ported from Node (libs/, mostly @jspm/core). The build splits
// them into entry files and shared chunks (so `Buffer` is one class everywhere) and makes
// each a CommonJS body: the common ones are compiled into the snapshot (COMPILED), the
// big, rarer ones (LAZY) the host hands over as text on first require, because compiled
// into the snapshot they made every fresh isolate slower to create. Imports of the
// runtime's own files arrive as `require('core:<file>')`.
import { COMPILED, LAZY } from 'playground:libs';
import * as internals from './internals.js';
import { trustedApply, trustedEval, trustedHasOwn } from './internals.js';
import * as processModule from './process.js';
import * as registry from './registry.js';

// Captured with the snapshot (see internals.js): this file is evaluated on a first
// require, after a program may have replaced eval, Reflect or Object.hasOwn.
const indirectEval = trustedEval;
const ReflectApply = trustedApply;
const hasOwn = trustedHasOwn;
const lazyFiles = new Set(LAZY);
const { librarySource } = internals.internals;

const CORE = { 'core:internals.js': internals, 'core:process.js': processModule, 'core:registry.js': registry };
const loaded = new Map();

const bodyOf = (file) => {
  if (hasOwn(COMPILED, file)) return COMPILED[file];
  if (!lazyFiles.has(file)) throw new Error(`runtime: no library file ${file}`);
  const source = librarySource(file);
  if (typeof source !== 'string') throw new Error(`runtime: library file ${file} is not available`);
  return indirectEval(`(function (require, module, exports) {${source}\n})\n//# sourceURL=playground:node/${file}`);
};

const requireFile = (spec) => {
  if (hasOwn(CORE, spec)) return CORE[spec];
  const file = spec.startsWith('./') ? spec.slice(2) : spec;
  const hit = loaded.get(file);
  if (hit !== undefined) return hit.exports;
  const body = bodyOf(file);
  const module = { exports: {} };
  // Registered before it runs, as in CommonJS, so a cycle sees the partial exports.
  loaded.set(file, module);
  try {
    ReflectApply(body, undefined, [requireFile, module, module.exports]);
  } catch (e) {
    loaded.delete(file);
    throw e;
  }
  return module.exports;
};

/** A libs/ entry's default export, evaluated on first use. */
export const loadLib = (name) => requireFile(`${name}.js`).default;
