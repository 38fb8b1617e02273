// crypto: randomness from the host, hashes, HMAC and PBKDF2 (libs/hashes.js, loaded on
// first use). Ciphers, signatures and key generation are not there yet; asking for them
// names the gap.
import { codedError, internals } from '../internals.js';
import { loadLib } from '../libs.js';
import { lazyModule } from '../registry.js';

const notYet = (name) => () => {
  throw Object.assign(new Error(`crypto.${name} is not available in the playground yet; hashes (createHash, createHmac, pbkdf2) and randomness (randomUUID, randomBytes, randomInt, getRandomValues) are.`), { code: 'ERR_PLAYGROUND_UNAVAILABLE' });
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
const bytesOf = (data, encoding, name = 'data') => {
  const { Buffer } = lazyModule('buffer');
  if (typeof data === 'string') return Buffer.from(data, typeof encoding === 'string' ? encoding : 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "${name}" argument must be of type string or an instance of Buffer, TypedArray, or DataView.${data === undefined ? ' Received undefined' : ''}`);
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
  webcrypto: globalThis.crypto,
  createCipheriv: notYet('createCipheriv'),
  createDecipheriv: notYet('createDecipheriv'),
  scryptSync: notYet('scryptSync'),
  generateKeyPairSync: notYet('generateKeyPairSync'),
};
