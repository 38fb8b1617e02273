// crypto: randomness from the host, hashes, HMAC, PBKDF2 and scrypt (libs/hashes.js),
// symmetric ciphers (libs/ciphers.js); both libraries are loaded on first use.
// Signatures and key generation are not there yet; asking for them names the gap.
import { codedError, internals } from '../internals.js';
import { loadLib } from '../libs.js';
import { process } from '../process.js';
import { lazyModule } from '../registry.js';

const notYet = (name) => () => {
  throw Object.assign(new Error(`crypto.${name} is not available in the playground yet; hashes (createHash, createHmac, pbkdf2, scrypt), ciphers (createCipheriv, createDecipheriv: AES-CBC/ECB/CTR/GCM, ChaCha20-Poly1305) and randomness (randomUUID, randomBytes, randomInt, getRandomValues) are.`), { code: 'ERR_PLAYGROUND_UNAVAILABLE' });
};

let BufferCtor = null;
const toBuffer = (bytes) => {
  if (BufferCtor === null) BufferCtor = lazyModule('buffer').Buffer;
  return BufferCtor.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

const randomBytes = (size, callback) => {
  if (typeof size !== 'number' || !(size >= 0) || size > 2 ** 31 - 1) {
    throw Object.assign(new RangeError(`The value of "size" is out of range. It must be >= 0 && <= 2147483647. Received ${size}`), { code: 'ERR_OUT_OF_RANGE' });
  }
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(size, i + 65536)));
  const buf = toBuffer(out);
  if (typeof callback === 'function') { queueMicrotask(() => callback(null, buf)); return undefined; }
  return buf;
};

const randomInt = (min, max, callback) => {
  if (max === undefined || typeof max === 'function') { callback = max; max = min; min = 0; }
  const range = max - min;
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || range <= 0 || range > 2 ** 48) {
    throw Object.assign(new RangeError(`The value of "max" is out of range. It must be greater than the value of "min" (${min}). Received ${max}`), { code: 'ERR_OUT_OF_RANGE' });
  }
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  const value = min + (n % range);
  if (typeof callback === 'function') { queueMicrotask(() => callback(null, value)); return undefined; }
  return value;
};

// ---- hashes ------------------------------------------------------------------------------
/** Node's "Received ..." tail of an ERR_INVALID_ARG_TYPE message. */
const received = (v) => {
  if (v == null) return `${v}`;
  if (typeof v === 'function') return `function ${v.name}`;
  if (typeof v === 'object') return `an instance of ${v.constructor?.name ?? 'Object'}`;
  if (typeof v === 'string') return `type string ('${v.length > 25 ? `${v.slice(0, 25)}...` : v}')`;
  return `type ${typeof v} (${String(v)})`;
};
const DATA_TYPES = 'of type string or an instance of Buffer, TypedArray, or DataView';
const bytesOf = (data, encoding, name = 'data', types = DATA_TYPES) => {
  const { Buffer } = lazyModule('buffer');
  if (typeof data === 'string') return Buffer.from(data, typeof encoding === 'string' ? encoding : 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "${name}" argument must be ${types}. Received ${received(data)}`);
};
const output = (bytes, encoding) => {
  const buf = toBuffer(bytes);
  return typeof encoding === 'string' && encoding !== 'buffer' ? buf.toString(encoding) : buf;
};
const algorithm = (name) => {
  const fn = loadLib('hashes').hashFor(name);
  if (fn === undefined) throw new Error('Digest method not supported');
  return fn;
};
const finalized = () => codedError(Error, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');

class Hash {
  #state;
  #done = false;
  constructor(state) { this.#state = state; }
  update(data, encoding) {
    if (this.#done) throw finalized();
    this.#state.update(bytesOf(data, encoding));
    return this;
  }
  digest(encoding) {
    if (this.#done) throw finalized();
    this.#done = true;
    return output(this.#state.digest(), encoding);
  }
  copy() {
    if (this.#done) throw finalized();
    return new Hash(this.#state.clone());
  }
}
class Hmac extends Hash {}

const createHash = (name) => new Hash(algorithm(name).create());
const createHmac = (name, key) => new Hmac(loadLib('hashes').hmac.create(algorithm(name), bytesOf(key, undefined, 'key')));
const pbkdf2Sync = (password, salt, iterations, keylen, digest) => {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > 1e7) {
    throw codedError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "iterations" is out of range. It must be >= 1 && <= 10000000. Received ${iterations}`);
  }
  if (!Number.isInteger(keylen) || keylen < 0 || keylen > 1 << 20) {
    throw codedError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "keylen" is out of range. It must be >= 0 && <= 1048576. Received ${keylen}`);
  }
  const key = loadLib('hashes').pbkdf2(algorithm(digest), bytesOf(password, undefined, 'password'), bytesOf(salt, undefined, 'salt'), { c: iterations, dkLen: keylen });
  return toBuffer(key);
};
const pbkdf2 = (password, salt, iterations, keylen, digest, callback) => {
  const key = pbkdf2Sync(password, salt, iterations, keylen, digest);
  internals.timers.setImmediate(() => callback(null, key));
};
const timingSafeEqual = (a, b) => {
  const x = bytesOf(a, undefined, 'buf1');
  const y = bytesOf(b, undefined, 'buf2');
  if (x.byteLength !== y.byteLength) throw codedError(RangeError, 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH', 'Input buffers must have the same byte length');
  let diff = 0;
  for (let i = 0; i < x.byteLength; i++) diff |= x[i] ^ y[i];
  return diff === 0;
};

// ---- scrypt --------------------------------------------------------------------------------
const SCRYPT_PAIRS = [['N', 'cost'], ['r', 'blockSize'], ['p', 'parallelization']];
const scryptSync = (password, salt, keylen, options = {}) => {
  const pw = bytesOf(password, undefined, 'password', 'of type string or an instance of ArrayBuffer, Buffer, TypedArray, or DataView');
  const sl = bytesOf(salt, undefined, 'salt', 'of type string or an instance of ArrayBuffer, Buffer, TypedArray, or DataView');
  if (!Number.isInteger(keylen) || keylen < 0 || keylen > 2 ** 31 - 1) {
    throw codedError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "keylen" is out of range. It must be >= 0 && <= 2147483647. Received ${keylen}`);
  }
  const opts = options ?? {};
  for (const [a, b] of SCRYPT_PAIRS) {
    if (opts[a] !== undefined && opts[b] !== undefined) throw codedError(TypeError, 'ERR_INCOMPATIBLE_OPTION_PAIR', `Option "${a}" cannot be used in combination with option "${b}"`);
  }
  const N = opts.N ?? opts.cost ?? 16384;
  const r = opts.r ?? opts.blockSize ?? 8;
  const p = opts.p ?? opts.parallelization ?? 1;
  const maxmem = opts.maxmem ?? 32 << 20;
  // OpenSSL's checks, whose error Node reports: N a power of two above 1, and the memory
  // scrypt needs (128 * r * (N + 2) for V, 128 * r * p for B) within maxmem.
  const valid = [N, r, p, maxmem].every((n) => Number.isSafeInteger(n) && n >= 1) && N > 1 && (N & (N - 1)) === 0 && 128 * r * (N + 2) + 128 * r * p <= maxmem;
  if (!valid) throw codedError(RangeError, 'ERR_CRYPTO_INVALID_SCRYPT_PARAMS', 'Invalid scrypt params: error:030000AC:digital envelope routines::memory limit exceeded');
  if (keylen === 0) return toBuffer(new Uint8Array(0));
  return toBuffer(loadLib('hashes').scrypt(pw, sl, { N, r, p, dkLen: keylen, maxmem: 2 ** 48 }));
};
const scrypt = (password, salt, keylen, options, callback) => {
  if (typeof options === 'function') { callback = options; options = undefined; }
  if (typeof callback !== 'function') throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "callback" argument must be of type function. Received ${received(callback)}`);
  const key = scryptSync(password, salt, keylen, options);
  internals.timers.setImmediate(() => callback(null, key));
};

// ---- ciphers -------------------------------------------------------------------------------
// Node's Cipheriv/Decipheriv over libs/ciphers.js, which works on bytes; here are Node's
// argument checks, encodings, states and errors.
const invalidState = (op) => codedError(Error, 'ERR_CRYPTO_INVALID_STATE', op === undefined ? 'Invalid state' : `Invalid state for operation ${op}`);
const invalidTag = (n) => codedError(TypeError, 'ERR_CRYPTO_INVALID_AUTH_TAG', `Invalid authentication tag length: ${n}`);
const GCM_TAGS = [4, 8, 12, 13, 14, 15, 16];
const tagLengthOk = (mode, n) => (mode === 'gcm' ? GCM_TAGS.includes(n) : Number.isInteger(n) && n >= 1 && n <= 16);
const KEY_TYPES = 'of type string or an instance of ArrayBuffer, Buffer, TypedArray, DataView, KeyObject, or CryptoKey';
const IV_TYPES = 'of type string or an instance of ArrayBuffer, Buffer, TypedArray, or DataView';
let warnedShortTag = false;

/**
 * Output in an encoding, as Node's cipher gives it: a StringDecoder for utf8 and utf16le
 * (a character split across update() calls comes out whole), base64 in groups of three
 * bytes (so update() + final() concatenate to valid base64), the rest at once.
 */
const ENCODING_NAMES = { 'utf-8': 'utf8', ucs2: 'utf16le', 'ucs-2': 'utf16le', 'utf-16le': 'utf16le', binary: 'latin1' };
const normalEncoding = (encoding) => {
  const lower = String(encoding).toLowerCase();
  const name = Object.hasOwn(ENCODING_NAMES, lower) ? ENCODING_NAMES[lower] : lower;
  if (!lazyModule('buffer').Buffer.isEncoding(name)) throw codedError(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${encoding}`);
  return name;
};
const decoderFor = (encoding) => {
  const name = normalEncoding(encoding);
  if (name === 'utf8' || name === 'utf16le') return new (lazyModule('string_decoder').StringDecoder)(name);
  let held = new Uint8Array(0);
  const text = (bytes) => toBuffer(bytes).toString(name);
  return {
    encoding: name,
    write(buf) {
      if (name !== 'base64' && name !== 'base64url') return text(buf);
      const all = new Uint8Array(held.length + buf.length);
      all.set(held);
      all.set(buf, held.length);
      const n = all.length - (all.length % 3);
      held = all.slice(n);
      return text(all.subarray(0, n));
    },
    end(buf) {
      const out = buf === undefined ? '' : this.write(buf);
      const rest = held;
      held = new Uint8Array(0);
      return out + text(rest);
    },
  };
};

class CipherBase {
  #cipher;
  #info;
  #decoder = null;
  #done = false;
  #decrypt;
  #tagLength;
  #tag = null;
  #tagSet = false;
  constructor(decrypt, name, key, iv, options) {
    if (typeof name !== 'string') throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "cipher" argument must be of type string. Received ${received(name)}`);
    const keyBytes = bytesOf(key, undefined, 'key', KEY_TYPES).slice();
    const ivBytes = iv === null ? null : bytesOf(iv, undefined, 'iv', IV_TYPES).slice();
    const lib = loadLib('ciphers');
    const info = lib.cipherInfo(name);
    if (info === undefined) {
      if (lib.opensslOnly(name)) throw codedError(Error, 'ERR_PLAYGROUND_UNAVAILABLE', `The cipher ${name} is not available in the playground; crypto.getCiphers() lists those that are (AES-CBC, AES-ECB, AES-CTR, AES-GCM, ChaCha20-Poly1305).`);
      throw codedError(Error, 'ERR_CRYPTO_UNKNOWN_CIPHER', 'Unknown cipher');
    }
    if (keyBytes.length !== info.keyLength) throw codedError(RangeError, 'ERR_CRYPTO_INVALID_KEYLEN', 'Invalid key length');
    // GCM takes any IV length but zero (OpenSSL hashes it), the others exactly theirs;
    // ECB has none (null or empty).
    const ivLength = ivBytes === null ? -1 : ivBytes.length;
    const ivOk = info.mode === 'gcm' ? ivLength > 0 : info.ivLength === 0 ? ivLength <= 0 : ivLength === info.ivLength;
    if (!ivOk) throw codedError(TypeError, 'ERR_CRYPTO_INVALID_IV', 'Invalid initialization vector');
    const aead = info.mode === 'gcm' || info.mode === 'chacha20-poly1305';
    const tagLength = options?.authTagLength;
    if (aead && tagLength !== undefined && !tagLengthOk(info.mode, tagLength)) throw invalidTag(tagLength);
    this.#tagLength = aead ? tagLength : undefined;
    this.#info = info;
    this.#decrypt = decrypt;
    this.#cipher = lib.createCipher(info, keyBytes, ivBytes, decrypt, tagLength ?? 16);
    this._options = options;
  }

  #out(bytes, encoding, last) {
    if (typeof encoding !== 'string' || encoding === 'buffer') return toBuffer(bytes);
    if (this.#decoder === null) this.#decoder = decoderFor(encoding);
    else if (this.#decoder.encoding !== encoding && normalEncoding(encoding) !== this.#decoder.encoding) {
      throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument 'outputEncoding' cannot be changed from '${this.#decoder.encoding}'. Received '${encoding}'`);
    }
    return last ? this.#decoder.end(toBuffer(bytes)) : this.#decoder.write(toBuffer(bytes));
  }

  update(data, inputEncoding, outputEncoding) {
    const bytes = bytesOf(data, inputEncoding);
    if (this.#done) throw new Error('Trying to add data in unsupported state');
    return this.#out(this.#cipher.update(bytes), outputEncoding, false);
  }

  final(outputEncoding) {
    if (this.#done) throw invalidState();
    this.#done = true;
    const { output, tag } = this.#cipher.final();
    if (tag !== undefined) this.#tag = tag;
    return this.#out(output, outputEncoding, true);
  }

  setAutoPadding(autoPadding = true) {
    if (this.#done) throw invalidState('setAutoPadding');
    this.#cipher.setAutoPadding?.(autoPadding !== false);
    return this;
  }

  setAAD(buffer) {
    const bytes = bytesOf(buffer, undefined, 'buffer');
    if (this.#done || this.#cipher.setAAD === undefined || !this.#cipher.setAAD(bytes)) throw invalidState('setAAD');
    return this;
  }

  _getAuthTag() {
    if (this.#decrypt || this.#tag === null) throw invalidState('getAuthTag');
    return toBuffer(this.#tag.slice());
  }

  _setAuthTag(tag, encoding) {
    const bytes = bytesOf(tag, encoding, 'buffer');
    if (this.#done || this.#tagSet || this.#cipher.setAuthTag === undefined) throw invalidState('setAuthTag');
    const n = bytes.length;
    if (!tagLengthOk(this.#info.mode, n) || (this.#tagLength !== undefined && n !== this.#tagLength)) throw invalidTag(n);
    if (this.#info.mode === 'gcm' && n < 16 && this.#tagLength === undefined && !warnedShortTag) {
      warnedShortTag = true;
      // The runtime's own process, not the global a program may have replaced (Node's own
      // deprecations go through process.emitWarning too, so a replaced method still applies).
      process.emitWarning('Using AES-GCM authentication tags of less than 128 bits without specifying the authTagLength option when initializing decryption is deprecated.', 'DeprecationWarning', 'DEP0182');
    }
    this.#tagSet = true;
    this.#cipher.setAuthTag(bytes);
    return this;
  }

  // Stream use (pipe, write/end, 'data'), as Node's LazyTransform: see streamable below.
  _transform(chunk, encoding, callback) {
    this.push(this.update(chunk, encoding));
    callback();
  }

  _flush(callback) {
    try {
      this.push(this.final());
    } catch (e) {
      callback(e);
      return;
    }
    callback();
  }
}

class Cipheriv extends CipherBase {
  constructor(name, key, iv, options) { super(false, name, key, iv, options); }
  getAuthTag() { return this._getAuthTag(); }
}
class Decipheriv extends CipherBase {
  constructor(name, key, iv, options) { super(true, name, key, iv, options); }
  setAuthTag(tag, encoding) { return this._setAuthTag(tag, encoding); }
}

/**
 * Node's ciphers are Transform streams. Loading the stream module costs ~15 ms, which a
 * program that only calls update/final should not pay, so the stream methods start as
 * stubs: the first one called puts stream.Transform's prototype under CipherBase's and
 * runs again; each cipher then sets up its stream state on first access, as Node's
 * LazyTransform does.
 */
const STREAM_METHODS = [
  'on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'off', 'removeListener', 'removeAllListeners',
  'emit', 'listeners', 'rawListeners', 'listenerCount', 'eventNames', 'setMaxListeners', 'getMaxListeners',
  'write', 'end', 'pipe', 'unpipe', 'read', 'setEncoding', 'setDefaultEncoding', 'pause', 'resume', 'isPaused',
  'destroy', 'cork', 'uncork', 'push', 'unshift', 'wrap', Symbol.asyncIterator,
];
const streamable = () => {
  const stubs = {};
  const upgrade = () => {
    const { Transform } = lazyModule('stream');
    for (const name of STREAM_METHODS) delete stubs[name];
    Object.setPrototypeOf(stubs, Transform.prototype);
    const state = (name) => ({
      configurable: true,
      enumerable: true,
      get() {
        Transform.call(this, this._options);
        this._writableState.decodeStrings = false;
        return this[name];
      },
      set(value) { Object.defineProperty(this, name, { value, enumerable: true, configurable: true, writable: true }); },
    });
    Object.defineProperties(stubs, { _readableState: state('_readableState'), _writableState: state('_writableState') });
  };
  for (const name of STREAM_METHODS) {
    stubs[name] = function (...args) {
      upgrade();
      return this[name](...args);
    };
  }
  Object.setPrototypeOf(CipherBase.prototype, stubs);
};
streamable();

const createCipheriv = (name, key, iv, options) => new Cipheriv(name, key, iv, options);
const createDecipheriv = (name, key, iv, options) => new Decipheriv(name, key, iv, options);

export default {
  createHash,
  createHmac,
  hash: (name, data, encoding = 'hex') => createHash(name).update(data).digest(encoding),
  pbkdf2Sync,
  pbkdf2,
  timingSafeEqual,
  getHashes: () => loadLib('hashes').hashNames(),
  Hash,
  Hmac,
  randomUUID: () => globalThis.crypto.randomUUID(),
  getRandomValues: (array) => globalThis.crypto.getRandomValues(array),
  randomBytes,
  randomFillSync: (buf, offset = 0, size = buf.byteLength - offset) => { globalThis.crypto.getRandomValues(new Uint8Array(buf.buffer ?? buf, (buf.byteOffset ?? 0) + offset, size)); return buf; },
  randomInt,
  // The snapshot's crypto global, not whatever the program has put there since.
  webcrypto: internals.webcrypto,
  get subtle() { return internals.webcrypto.subtle; },
  createCipheriv,
  createDecipheriv,
  Cipheriv,
  Decipheriv,
  getCiphers: () => loadLib('ciphers').cipherNames(),
  scrypt,
  scryptSync,
  generateKeyPairSync: notYet('generateKeyPairSync'),
};
