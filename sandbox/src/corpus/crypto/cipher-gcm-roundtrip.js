// Encrypt and decrypt a message with AES-256-GCM, the way tutorials do it.
const crypto = require('crypto');
const key = crypto.scryptSync('correct horse battery staple', 'fixed salt', 32);
const iv = Buffer.from('000102030405060708090a0b', 'hex');

function encrypt(text, aad) {
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  let enc = cipher.update(text, 'utf8', 'hex');
  enc += cipher.final('hex');
  return { enc, tag: cipher.getAuthTag().toString('hex') };
}

function decrypt({ enc, tag }, aad) {
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, 'hex'));
  return decipher.update(enc, 'hex', 'utf8') + decipher.final('utf8');
}

const box = encrypt('Meet me at the usual place at 10 ✓', 'header-v1');
console.log(box);
console.log(decrypt(box, 'header-v1'));
try {
  decrypt(box, 'header-v2');
} catch (e) {
  console.log('tampered:', e.message);
}
const flipped = { ...box, enc: (parseInt(box.enc[0], 16) ^ 1).toString(16) + box.enc.slice(1) };
try {
  decrypt(flipped, 'header-v1');
} catch (e) {
  console.log('flipped bit:', e.message);
}
// Base64 output through update and final joins into one valid string.
const c = crypto.createCipheriv('aes-128-gcm', key.subarray(0, 16), iv, { authTagLength: 12 });
const b64 = c.update('seventeen bytes!!', 'utf8', 'base64') + c.final('base64');
console.log(b64, c.getAuthTag().length);
