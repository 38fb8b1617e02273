// Hashes, HMAC, PBKDF2 and scrypt for crypto: @noble/hashes (audited, ~30 KB for what is used
// here). @jspm/core's crypto is 2 MB and takes ~110 ms to evaluate; this is what most
// programs want from crypto.
import { md5, ripemd160, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512, sha512_224, sha512_256 } from '@noble/hashes/sha2.js';
import { sha3_224, sha3_256, sha3_384, sha3_512 } from '@noble/hashes/sha3.js';
import { hmac } from '@noble/hashes/hmac.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { scrypt } from '@noble/hashes/scrypt.js';

const ALGORITHMS = {
  md5, sha1, ripemd160, rmd160: ripemd160, sha224, sha256, sha384, sha512,
  'sha512-224': sha512_224, 'sha512-256': sha512_256,
  'sha3-224': sha3_224, 'sha3-256': sha3_256, 'sha3-384': sha3_384, 'sha3-512': sha3_512,
};

/** The hash function for a Node algorithm name (case-insensitive, RSA- prefix allowed), or undefined. */
export const hashFor = (name) => {
  if (typeof name !== 'string') return undefined;
  const key = name.toLowerCase().replace(/^rsa-/, '');
  return Object.hasOwn(ALGORITHMS, key) ? ALGORITHMS[key] : undefined;
};

export const hashNames = () => Object.keys(ALGORITHMS);

export default { hashFor, hashNames, hmac, pbkdf2, scrypt };
