// AES-CBC: the NIST SP 800-38A F.2 vectors, PKCS#7 padding and setAutoPadding.
const crypto = require('crypto');
const iv = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const plain = Buffer.from('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51', 'hex');
const keys = {
  'aes-128-cbc': '2b7e151628aed2a6abf7158809cf4f3c',
  'aes-192-cbc': '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b',
  'aes-256-cbc': '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30c8b6a2c',
};
for (const [name, hex] of Object.entries(keys)) {
  const c = crypto.createCipheriv(name, Buffer.from(hex, 'hex'), iv);
  c.setAutoPadding(false);
  console.log(name, Buffer.concat([c.update(plain), c.final()]).toString('hex'));
}

const key = Buffer.from(keys['aes-128-cbc'], 'hex');
for (const text of ['', 'a', 'exactly 16 bytes', 'a little more than one block']) {
  const c = crypto.createCipheriv('aes-128-cbc', key, iv);
  const enc = Buffer.concat([c.update(text), c.final()]);
  const d = crypto.createDecipheriv('aes-128-cbc', key, iv);
  const back = d.update(enc, undefined, 'utf8') + d.final('utf8');
  console.log(JSON.stringify(text), enc.length, enc.toString('base64'), back === text);
}

const c = crypto.createCipheriv('aes-128-cbc', key, iv);
c.setAutoPadding(false);
c.update('not a whole block');
try {
  c.final();
} catch (e) {
  console.log(e.code, e.message, e.reason);
}
const wrongKey = crypto.createDecipheriv('aes-128-cbc', Buffer.alloc(16, 1), iv);
wrongKey.update(Buffer.from('0a940bb5416ef045f1c39458c653ea5a07feef74e1d5036e900eee118e949293', 'hex'));
try {
  wrongKey.final();
} catch (e) {
  console.log(e.code, e.message, e.library);
}
// ECB has no IV.
const ecb = crypto.createCipheriv('aes-256-ecb', Buffer.from(keys['aes-256-cbc'], 'hex'), null);
console.log(ecb.update('ecb mode', 'utf8', 'hex') + ecb.final('hex'));
