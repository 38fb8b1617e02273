// Symmetric ciphers for crypto.createCipheriv/createDecipheriv: the block and MAC
// primitives of @noble/ciphers (audited, pure JS, ~25 KB of what is used here),
// evaluated inside the isolate like hashes.js. noble's AEAD wrappers are one-shot (all data at once); Node's
// update() hands back output as data comes in, so the modes here are streamed over
// noble's keystream and MAC primitives instead, with the same byte results.
//
// No imports of the runtime's own files (internals.js): this file is evaluated on first
// use, after a program may have replaced Object.defineProperty and friends, which the
// bundler's module glue calls with whatever it imports.
import { unsafe } from '@noble/ciphers/aes.js';
import { ghash } from '@noble/ciphers/_polyval.js';
import { chacha20 } from '@noble/ciphers/chacha.js';
import { poly1305 } from '@noble/ciphers/_poly1305.js';

const { expandKeyLE, expandKeyDecLE, encryptBlock, decryptBlock, ctrCounter, ctr32 } = unsafe;

/** name -> [mode, key bytes, iv bytes]; Node's names, lower case. */
const CIPHERS = {
  'aes-128-cbc': ['cbc', 16, 16], 'aes-192-cbc': ['cbc', 24, 16], 'aes-256-cbc': ['cbc', 32, 16],
  'aes-128-ecb': ['ecb', 16, 0], 'aes-192-ecb': ['ecb', 24, 0], 'aes-256-ecb': ['ecb', 32, 0],
  'aes-128-ctr': ['ctr', 16, 16], 'aes-192-ctr': ['ctr', 24, 16], 'aes-256-ctr': ['ctr', 32, 16],
  'aes-128-gcm': ['gcm', 16, 12], 'aes-192-gcm': ['gcm', 24, 12], 'aes-256-gcm': ['gcm', 32, 12],
  'chacha20-poly1305': ['chacha20-poly1305', 32, 12],
};
// OpenSSL's aliases that Node accepts too, spelled as getCiphers() lists them.
const ALIASES = { aes128: 'aes-128-cbc', aes192: 'aes-192-cbc', aes256: 'aes-256-cbc', 'id-aes128-GCM': 'aes-128-gcm', 'id-aes192-GCM': 'aes-192-gcm', 'id-aes256-GCM': 'aes-256-gcm' };
const ALIAS_LOWER = Object.fromEntries(Object.entries(ALIASES).map(([k, v]) => [k.toLowerCase(), v]));
// The rest of Node's (OpenSSL's) getCiphers(): real ciphers the playground lacks, which
// deserve a better error than "Unknown cipher".
const OPENSSL_ONLY = /^(?:aes-(?:128|192|256)-(?:cfb1?|cfb8|ofb|ccm|ocb|xts|cbc-hmac-sha(?:1|256))|aes(?:128|192|256)-wrap(?:-pad)?|id-aes(?:128|192|256)-(?:ccm|wrap(?:-pad)?)|id-smime-\S+|(?:aria|camellia)-?\d{3}\S*|des\S*|bf\S*|blowfish|cast\S*|chacha20|rc[245]\S*|seed\S*|sm4\S*)$/i;
export const opensslOnly = (name) => typeof name === 'string' && OPENSSL_ONLY.test(name);

/** { name, mode, keyLength, ivLength } for a Node cipher name (any case), or undefined. */
export const cipherInfo = (name) => {
  if (typeof name !== 'string') return undefined;
  let key = name.toLowerCase();
  if (Object.hasOwn(ALIAS_LOWER, key)) key = ALIAS_LOWER[key];
  if (!Object.hasOwn(CIPHERS, key)) return undefined;
  const [mode, keyLength, ivLength] = CIPHERS[key];
  return { name: key, mode, keyLength, ivLength };
};

export const cipherNames = () => [...Object.keys(CIPHERS), ...Object.keys(ALIASES)].sort();

/** Errors as OpenSSL's reach Node: the message, `code` and OpenSSL's own fields. */
const openssl = (reason, id, code) => {
  const message = `error:${id}:Provider routines::${reason}`;
  const e = new Error(message);
  // Node's own order of these fields, which inspect prints.
  Object.assign(e, { opensslErrorStack: [message], library: 'Provider routines', reason, code });
  return e;
};
const wrongFinalBlock = () => openssl('wrong final block length', '1C80006B', 'ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH');
const badDecrypt = () => openssl('bad decrypt', '1C800064', 'ERR_OSSL_BAD_DECRYPT');
const authFailed = () => new Error('Unsupported state or unable to authenticate data');

const concat = (a, b) => {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** Constant-time comparison of the first `n` bytes. */
const sameBytes = (a, b, n) => {
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= a[i] ^ b[i];
  return diff === 0;
};

/**
 * XORs data with a keystream made `block` bytes at a time by `next(blocks)`, keeping the
 * unused tail of the last block for the next call (Node's update() takes any length).
 */
const keystream = (block, next) => {
  let rest = new Uint8Array(0);
  return (data) => {
    const out = new Uint8Array(data.length);
    let i = 0;
    for (; i < data.length && i < rest.length; i++) out[i] = data[i] ^ rest[i];
    rest = rest.subarray(i);
    if (i === data.length) return out;
    const blocks = Math.ceil((data.length - i) / block);
    const ks = next(blocks);
    let k = 0;
    for (; i < data.length; i++, k++) out[i] = data[i] ^ ks[k];
    rest = ks.subarray(k);
    return out;
  };
};

/** CBC and ECB: whole blocks, PKCS#7 padding unless turned off. */
const blockMode = (mode, key, iv, decrypt) => {
  const xk = decrypt ? expandKeyDecLE(key) : expandKeyLE(key);
  const chain = mode === 'cbc' ? iv.slice() : null;
  let padding = true;
  let pending = new Uint8Array(0);
  const process = (data) => {
    const out = new Uint8Array(data.length);
    const block = new Uint8Array(16);
    for (let at = 0; at < data.length; at += 16) {
      block.set(data.subarray(at, at + 16));
      if (decrypt) {
        decryptBlock(xk, block);
        if (chain !== null) {
          for (let j = 0; j < 16; j++) block[j] ^= chain[j];
          chain.set(data.subarray(at, at + 16));
        }
      } else {
        if (chain !== null) for (let j = 0; j < 16; j++) block[j] ^= chain[j];
        encryptBlock(xk, block);
        if (chain !== null) chain.set(block);
      }
      out.set(block, at);
    }
    return out;
  };
  return {
    setAutoPadding(on) { padding = on; },
    update(data) {
      const all = concat(pending, data);
      let n = all.length - (all.length % 16);
      // As OpenSSL: a decrypter with padding holds the last whole block back for final().
      if (decrypt && padding && n === all.length && n > 0) n -= 16;
      pending = all.slice(n);
      return process(all.subarray(0, n));
    },
    final() {
      if (!padding) {
        if (pending.length !== 0) throw wrongFinalBlock();
        return new Uint8Array(0);
      }
      if (!decrypt) {
        const pad = 16 - pending.length;
        const last = new Uint8Array(16).fill(pad);
        last.set(pending);
        return process(last);
      }
      if (pending.length !== 16) throw wrongFinalBlock();
      const last = process(pending);
      const pad = last[15];
      let ok = pad >= 1 && pad <= 16;
      for (let j = 16 - (ok ? pad : 1); j < 16; j++) if (last[j] !== pad) ok = false;
      if (!ok) throw badDecrypt();
      return last.subarray(0, 16 - pad);
    },
  };
};

/** AES-CTR: Node's (OpenSSL's) whole 128-bit big-endian counter. */
const ctrMode = (key, iv) => {
  const xk = expandKeyLE(key);
  const counter = iv.slice(); // ctrCounter advances it in place
  const xor = keystream(16, (blocks) => ctrCounter(xk, counter, new Uint8Array(blocks * 16)));
  return { update: xor, final: () => new Uint8Array(0) };
};

/**
 * The AEAD modes share one shape: AAD first (setAAD before any data), the data through
 * the keystream, the MAC over the ciphertext, and the tag at final().
 */
const aead = ({ xor, macAAD, macData, tag }, decrypt, tagLength) => {
  let aad = new Uint8Array(0);
  let started = false;
  let expected = null;
  const start = () => {
    if (!started) { started = true; macAAD(aad); }
  };
  return {
    setAAD(data) {
      if (started) return false;
      aad = concat(aad, data);
      return true;
    },
    update(data) {
      start();
      if (decrypt) { macData(data); return xor(data); }
      const out = xor(data);
      macData(out);
      return out;
    },
    final() {
      start();
      const full = tag();
      if (!decrypt) return { output: new Uint8Array(0), tag: full.slice(0, tagLength) };
      if (expected === null || !sameBytes(full, expected, expected.length)) throw authFailed();
      return { output: new Uint8Array(0) };
    },
    setAuthTag(t) { expected = t.slice(); },
  };
};

/** GHASH over a stream: noble's GHASH pads every update to 16 bytes, so feed it whole blocks. */
const blockFeeder = (mac) => {
  let pending = new Uint8Array(0);
  return {
    feed(data) {
      const all = concat(pending, data);
      const n = all.length - (all.length % 16);
      if (n > 0) mac.update(all.subarray(0, n));
      pending = all.slice(n);
    },
    flush() {
      if (pending.length > 0) mac.update(pending);
      pending = new Uint8Array(0);
    },
  };
};

const u64 = (view, at, n, littleEndian) => {
  // Byte counts here stay far below 2^53.
  view.setUint32(at + (littleEndian ? 0 : 4), n >>> 0, littleEndian);
  view.setUint32(at + (littleEndian ? 4 : 0), Math.floor(n / 2 ** 32), littleEndian);
};

/** AES-GCM (NIST SP 800-38D), any IV length as OpenSSL takes. */
const gcmMode = (key, iv, decrypt, tagLength) => {
  const xk = expandKeyLE(key);
  const authKey = encryptBlock(xk, new Uint8Array(16));
  const j0 = new Uint8Array(16);
  if (iv.length === 12) {
    j0.set(iv);
    j0[15] = 1;
  } else {
    const lengths = new Uint8Array(16);
    u64(new DataView(lengths.buffer), 8, iv.length * 8, false);
    ghash.create(authKey).update(iv).update(lengths).digestInto(j0);
  }
  const tagMask = encryptBlock(xk, j0.slice());
  const counter = j0.slice();
  const view = new DataView(counter.buffer);
  view.setUint32(12, (view.getUint32(12) + 1) >>> 0);
  const mac = ghash.create(authKey);
  const data = blockFeeder(mac);
  let aadLength = 0;
  let dataLength = 0;
  return aead({
    xor: keystream(16, (blocks) => ctr32(xk, false, counter, new Uint8Array(blocks * 16))),
    macAAD(aad) { aadLength = aad.length; if (aad.length > 0) mac.update(aad); },
    macData(bytes) { dataLength += bytes.length; data.feed(bytes); },
    tag() {
      data.flush();
      const lengths = new Uint8Array(16);
      const lv = new DataView(lengths.buffer);
      u64(lv, 0, aadLength * 8, false);
      u64(lv, 8, dataLength * 8, false);
      const t = mac.update(lengths).digest();
      for (let i = 0; i < 16; i++) t[i] ^= tagMask[i];
      return t;
    },
  }, decrypt, tagLength);
};

/** ChaCha20-Poly1305 (RFC 8439): block 0 makes the Poly1305 key, data starts at block 1. */
const chachaPolyMode = (key, iv, decrypt, tagLength) => {
  const mac = poly1305.create(chacha20(key, iv, new Uint8Array(32), undefined, 0));
  let counter = 1;
  const pad16 = (n) => { if (n % 16 !== 0) mac.update(new Uint8Array(16 - (n % 16))); };
  let aadLength = 0;
  let dataLength = 0;
  return aead({
    xor: keystream(64, (blocks) => {
      const ks = chacha20(key, iv, new Uint8Array(blocks * 64), undefined, counter);
      counter += blocks;
      return ks;
    }),
    macAAD(aad) { aadLength = aad.length; mac.update(aad); pad16(aad.length); },
    macData(bytes) { dataLength += bytes.length; mac.update(bytes); },
    tag() {
      pad16(dataLength);
      const lengths = new Uint8Array(16);
      const lv = new DataView(lengths.buffer);
      u64(lv, 0, aadLength, true);
      u64(lv, 8, dataLength, true);
      return mac.update(lengths).digest();
    },
  }, decrypt, tagLength);
};

/**
 * A cipher for checked arguments: `info` from cipherInfo, key and iv as Uint8Arrays of the
 * right lengths. update(bytes) -> bytes; final() -> { output, tag? }; AEAD modes add
 * setAAD (false once data went in) and setAuthTag; block modes setAutoPadding.
 */
export const createCipher = (info, key, iv, decrypt, tagLength) => {
  switch (info.mode) {
    case 'cbc':
    case 'ecb': {
      const m = blockMode(info.mode, key, iv, decrypt);
      return { ...m, final: () => ({ output: m.final() }) };
    }
    case 'ctr': {
      const m = ctrMode(key, iv);
      return { ...m, final: () => ({ output: m.final() }) };
    }
    case 'gcm': return gcmMode(key, iv, decrypt, tagLength);
    default: return chachaPolyMode(key, iv, decrypt, tagLength);
  }
};

export default { cipherInfo, cipherNames, createCipher, opensslOnly };
