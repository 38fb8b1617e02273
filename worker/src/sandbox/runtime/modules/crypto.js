// crypto: what the runtime can do without a hash library yet (randomness from the host).
// Hashes, HMAC and ciphers are not in this slice; asking for them names the gap.
import { lazyModule } from '../registry.js';

const notYet = (name) => () => {
  throw Object.assign(new Error(`crypto.${name} is not available in the playground yet; crypto.randomUUID, randomBytes, randomInt and getRandomValues are.`), { code: 'ERR_PLAYGROUND_UNAVAILABLE' });
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

export default {
  randomUUID: () => globalThis.crypto.randomUUID(),
  getRandomValues: (array) => globalThis.crypto.getRandomValues(array),
  randomBytes,
  randomFillSync: (buf, offset = 0, size = buf.byteLength - offset) => { globalThis.crypto.getRandomValues(new Uint8Array(buf.buffer ?? buf, (buf.byteOffset ?? 0) + offset, size)); return buf; },
  randomInt,
  webcrypto: globalThis.crypto,
  createHash: notYet('createHash'),
  createHmac: notYet('createHmac'),
  createCipheriv: notYet('createCipheriv'),
  createDecipheriv: notYet('createDecipheriv'),
  pbkdf2Sync: notYet('pbkdf2Sync'),
  scryptSync: notYet('scryptSync'),
  generateKeyPairSync: notYet('generateKeyPairSync'),
  getHashes: () => [],
};
