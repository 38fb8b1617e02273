// The npm packages a program may load by name (the list is @playground/shared's
// NPM_PACKAGES; build-packages.ts bundles them). The snapshot holds only their names: a
// package's files are CommonJS bodies the host hands over as text on the first require
// that needs them, compiled here, and cached for the rest of the run. Every run is a
// fresh isolate, so a package a program changed (lodash's `_.mixin`, a polluted
// prototype) is pristine again in the next run.
import { PACKAGE_ENTRIES, PACKAGE_FILES, PACKAGE_LIST } from 'playground:libs';
import { internals, trustedApply, trustedEval, trustedHasOwn } from './internals.js';

// Captured with the snapshot (see internals.js): this file is evaluated on a first
// require, after a program may have replaced eval, Reflect or Object.hasOwn.
const indirectEval = trustedEval;
const ReflectApply = trustedApply;
const hasOwn = trustedHasOwn;
const files = new Set(PACKAGE_FILES);
const { librarySource } = internals;

/** `lodash 4.18.1, ...`: what the unknown-package error lists. */
export const packageList = PACKAGE_LIST;

export const isPackage = (spec) => typeof spec === 'string' && hasOwn(PACKAGE_ENTRIES, spec);

const loaded = new Map();

/**
 * One file by name. A require of another name is a Node core module a package asked for,
 * answered by `core` (the sandbox's require, so unavailable ones fail as in main.js).
 */
const requireFile = (core, spec) => {
  if (!spec.startsWith('./')) return core(spec);
  const file = spec.slice(2);
  const hit = loaded.get(file);
  if (hit !== undefined) return hit.exports;
  if (!files.has(file)) throw new Error(`runtime: no package file ${file}`);
  const source = librarySource(`npm/${file}`);
  if (typeof source !== 'string') throw new Error(`runtime: package file ${file} is not available`);
  const body = indirectEval(`(function (require, module, exports) {${source}\n})\n//# sourceURL=playground:npm/${file}`);
  const module = { exports: {} };
  // Registered before it runs, as in CommonJS, so a cycle sees the partial exports.
  loaded.set(file, module);
  try {
    ReflectApply(body, undefined, [(s) => requireFile(core, s), module, module.exports]);
  } catch (e) {
    loaded.delete(file);
    throw e;
  }
  return module.exports;
};

/** What node's require returns for a package specifier (isPackage(spec) holds). */
export const loadPackage = (spec, core) => requireFile(core, `./${PACKAGE_ENTRIES[spec]}`).default;
