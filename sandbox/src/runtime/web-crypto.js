// crypto.subtle (Web Crypto): digest only, over the @noble/hashes functions crypto's
// createHash already uses (libs/hashes.js, loaded on the first digest). The rest of
// SubtleCrypto needs CryptoKey objects and the public-key algorithms the playground does
// not have yet, so those methods reject with a NotSupportedError naming what there is.
// Errors, their codes and messages are Node 24's.
import { codedError, primordials, trustedHasOwn, viewBytes } from './internals.js';
import { loadLib } from './libs.js';

const { PromiseResolve, PromiseReject, TypedArraySlice, StringToUpperCase, DOMExceptionCtor, TypeErrorCtor, ObjectDefineProperty } = primordials;

const DIGESTS = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const NOT_SUPPORTED = ['encrypt', 'decrypt', 'sign', 'verify', 'generateKey', 'deriveKey', 'deriveBits', 'importKey', 'exportKey', 'wrapKey', 'unwrapKey', 'getPublicKey', 'encapsulateBits', 'encapsulateKey', 'decapsulateBits', 'decapsulateKey'];

let constructing = false;

const failed = (method, message) => `Failed to execute '${method}' on 'SubtleCrypto': ${message}`;

/** The algorithm's name, read once, as Web IDL's dictionary conversion does. */
const algorithmName = (algorithm) => {
  if (typeof algorithm === 'string') return algorithm;
  if (algorithm !== null && typeof algorithm === 'object') {
    const name = algorithm.name;
    if (name === undefined) throw codedError(TypeErrorCtor, 'ERR_MISSING_OPTION', failed('digest', '1st argument: Algorithm: name is required.'));
    return `${name}`;
  }
  return `${algorithm}`;
};

class SubtleCrypto {
  constructor() {
    if (!constructing) throw codedError(TypeErrorCtor, 'ERR_ILLEGAL_CONSTRUCTOR', 'Illegal constructor');
  }

  digest(algorithm, data) {
    try {
      // There is one SubtleCrypto, as in Node.
      if (this !== subtle) throw codedError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type SubtleCrypto');
      if (arguments.length < 2) throw codedError(TypeErrorCtor, 'ERR_MISSING_ARGS', failed('digest', `2 arguments required, but only ${arguments.length} present.`));
      const name = algorithmName(algorithm);
      // Web Crypto copies the bytes before it does anything asynchronous.
      const view = viewBytes(data);
      if (view === null) throw codedError(TypeErrorCtor, 'ERR_INVALID_ARG_TYPE', failed('digest', '2nd argument is not instance of ArrayBuffer, Buffer, TypedArray, or DataView.'));
      const bytes = TypedArraySlice(view);
      const key = StringToUpperCase(name);
      if (!trustedHasOwn(DIGESTS, key)) throw new DOMExceptionCtor('Unrecognized algorithm name', 'NotSupportedError');
      const hash = loadLib('hashes').hashFor(DIGESTS[key]);
      return PromiseResolve(hash(bytes).buffer);
    } catch (e) {
      return PromiseReject(e);
    }
  }
}
for (const name of NOT_SUPPORTED) {
  const method = {
    [name]() {
      return PromiseReject(new DOMExceptionCtor(`crypto.subtle.${name} is not available in the playground yet; crypto.subtle.digest (SHA-1, SHA-256, SHA-384, SHA-512) is, and require('crypto') has hashes, HMAC, PBKDF2, scrypt and AES/ChaCha20 ciphers.`, 'NotSupportedError'));
    },
  }[name];
  ObjectDefineProperty(SubtleCrypto.prototype, name, { value: method, writable: true, enumerable: true, configurable: true });
}
ObjectDefineProperty(SubtleCrypto.prototype, 'digest', { enumerable: true });
ObjectDefineProperty(SubtleCrypto.prototype, Symbol.toStringTag, { value: 'SubtleCrypto', configurable: true });

constructing = true;
const subtle = new SubtleCrypto();
constructing = false;
export { SubtleCrypto, subtle };
