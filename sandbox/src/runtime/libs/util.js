// util: the functions from the browser port (@jspm/core: promisify, callbackify,
// inherits, types) with everything that formats values taken from node-inspect-extracted,
// the same `inspect` console uses; the port's own inspect is Node 8's (a Set prints as {}).
import * as ns from '@jspm/core/nodelibs/util';
import { internals } from '../internals.js';
import { lazyModule } from '../registry.js';
import { process } from '../process.js';

const port = ns.default;
const { inspect, format, formatWithOptions, stripVTControlCharacters } = internals.inspectModule;

const deprecated = new Set();
function deprecate(fn, message, code) {
  if (typeof fn !== 'function') throw Object.assign(new TypeError(`The "fn" argument must be of type function. Received ${inspect(fn)}`), { code: 'ERR_INVALID_ARG_TYPE' });
  function wrapper(...args) {
    const key = code ?? message;
    if (!deprecated.has(key)) {
      deprecated.add(key);
      process.emitWarning(message, 'DeprecationWarning', code);
    }
    return new.target ? Reflect.construct(fn, args, new.target) : Reflect.apply(fn, this, args);
  }
  Object.setPrototypeOf(wrapper, fn);
  if (fn.prototype) wrapper.prototype = fn.prototype;
  return wrapper;
}

const isDeepStrictEqual = (a, b) => {
  try {
    lazyModule('assert').deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
};

// The colours and modifiers util.styleText knows; the playground's output is not a
// terminal, so like Node writing to a pipe it returns the text unstyled when asked to
// validate the stream, and styled otherwise.
const STYLES = {
  reset: [0, 0], bold: [1, 22], dim: [2, 22], italic: [3, 23], underline: [4, 24], inverse: [7, 27], hidden: [8, 28], strikethrough: [9, 29],
  black: [30, 39], red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39], magenta: [35, 39], cyan: [36, 39], white: [37, 39], gray: [90, 39], grey: [90, 39],
  bgBlack: [40, 49], bgRed: [41, 49], bgGreen: [42, 49], bgYellow: [43, 49], bgBlue: [44, 49], bgMagenta: [45, 49], bgCyan: [46, 49], bgWhite: [47, 49],
};
function styleText(format, text, { validateStream = true } = {}) {
  const formats = Array.isArray(format) ? format : [format];
  let left = '';
  let right = '';
  for (const f of formats) {
    const codes = STYLES[f];
    if (codes === undefined) throw Object.assign(new TypeError(`The argument 'format' must be one of: ${Object.keys(STYLES).map((k) => `'${k}'`).join(', ')}. Received ${inspect(f)}`), { code: 'ERR_INVALID_ARG_VALUE' });
    left += `\u001b[${codes[0]}m`;
    right = `\u001b[${codes[1]}m${right}`;
  }
  return validateStream ? text : `${left}${text}${right}`;
}

// Node's promisify: honours the registered Symbol.for('nodejs.util.promisify.custom')
// (the port uses a symbol of its own, so a custom promisified version set by a program
// or by the runtime for setTimeout was ignored).
const kCustom = Symbol.for('nodejs.util.promisify.custom');
function promisify(original) {
  if (typeof original !== 'function') {
    throw Object.assign(new TypeError(`The "original" argument must be of type function. Received ${inspect(original)}`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  const custom = original[kCustom];
  if (custom !== undefined) {
    if (typeof custom !== 'function') throw Object.assign(new TypeError('The "util.promisify.custom" argument must be of type function.'), { code: 'ERR_INVALID_ARG_TYPE' });
    return Object.defineProperty(custom, kCustom, { value: custom, configurable: true });
  }
  function fn(...args) {
    return new Promise((resolve, reject) => {
      Reflect.apply(original, this, [...args, (err, value) => (err ? reject(err) : resolve(value))]);
    });
  }
  Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
  Object.defineProperty(fn, kCustom, { value: fn, configurable: true });
  return Object.defineProperties(fn, Object.getOwnPropertyDescriptors(original));
}
promisify.custom = kCustom;

const aborted = (signal, resource) => {
  void resource;
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
};

const util = {
  _extend: port._extend,
  callbackify: port.callbackify,
  debuglog: () => Object.assign(() => {}, { enabled: false }),
  debug: () => Object.assign(() => {}, { enabled: false }),
  deprecate,
  format,
  formatWithOptions,
  styleText,
  inherits: port.inherits,
  inspect,
  isArray: Array.isArray,
  isDeepStrictEqual,
  promisify,
  stripVTControlCharacters,
  toUSVString: (s) => String(s).toWellFormed(),
  aborted,
  types: port.types,
  TextDecoder: globalThis.TextDecoder,
  TextEncoder: globalThis.TextEncoder,
};
// As in Node, promisify(setTimeout) and promisify(setImmediate) are timers/promises.
for (const name of ['setTimeout', 'setImmediate']) {
  const fn = globalThis[name];
  if (typeof fn === 'function' && fn[util.promisify.custom] === undefined) {
    Object.defineProperty(fn, util.promisify.custom, { configurable: true, get: () => lazyModule('timers/promises')[name] });
  }
}

export default util;
