// ChaCha20-Poly1305: the RFC 8439 section 2.8.2 example, and a round trip.
const crypto = require('crypto');
const key = Buffer.from('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f', 'hex');
const nonce = Buffer.from('070000004041424344454647', 'hex');
const aad = Buffer.from('50515253c0c1c2c3c4c5c6c7', 'hex');
const text = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
const c = crypto.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
c.setAAD(aad, { plaintextLength: Buffer.byteLength(text) });
const enc = Buffer.concat([c.update(text, 'utf8'), c.final()]);
console.log(enc.toString('hex'));
console.log(c.getAuthTag().toString('hex'));

const d = crypto.createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
d.setAAD(aad);
d.setAuthTag(c.getAuthTag());
console.log(d.update(enc, undefined, 'utf8') + d.final('utf8') === text);

const bad = crypto.createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
bad.setAuthTag(c.getAuthTag());
bad.update(enc);
try {
  bad.final();
} catch (e) {
  console.log('without the AAD:', e.message);
}
try {
  crypto.createCipheriv('chacha20-poly1305', key.subarray(0, 16), nonce);
} catch (e) {
  console.log(e.name, e.code, e.message);
}
