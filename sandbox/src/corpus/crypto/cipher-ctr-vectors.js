// AES-CTR: the NIST SP 800-38A F.5 vectors, fed in uneven pieces.
const crypto = require('crypto');
const counter = Buffer.from('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff', 'hex');
const plain = Buffer.from('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710', 'hex');
const keys = {
  'aes-128-ctr': '2b7e151628aed2a6abf7158809cf4f3c',
  'aes-192-ctr': '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b',
  'aes-256-ctr': '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30c8b6a2c',
};
for (const [name, hex] of Object.entries(keys)) {
  const c = crypto.createCipheriv(name, Buffer.from(hex, 'hex'), counter);
  const parts = [c.update(plain.subarray(0, 5)), c.update(plain.subarray(5, 37)), c.update(plain.subarray(37)), c.final()];
  console.log(name, parts.map((p) => p.length).join('+'), Buffer.concat(parts).toString('hex'));
}
// The counter is all 128 bits: it carries past the last byte.
const wrap = Buffer.alloc(16, 0xff);
const c = crypto.createCipheriv('aes-128-ctr', Buffer.alloc(16, 9), wrap);
console.log(c.update(Buffer.alloc(48)).toString('hex'));
// Decrypting is the same operation.
const key = crypto.createHash('sha256').update('ctr key').digest();
const enc = crypto.createCipheriv('aes-256-ctr', key, counter).update('stream ciphers keep the length', 'utf8');
console.log(enc.length, crypto.createDecipheriv('aes-256-ctr', key, counter).update(enc).toString());
