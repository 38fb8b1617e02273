// Which ciphers there are, as a program checks before it picks one.
const crypto = require('crypto');
const ciphers = crypto.getCiphers();
for (const name of ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-ctr', 'aes-256-ctr', 'aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm', 'aes-128-ecb', 'chacha20-poly1305', 'aes256', 'AES-256-GCM']) {
  console.log(name, ciphers.includes(name));
}
console.log(Array.isArray(ciphers), ciphers.every((c) => c === c.toLowerCase()), ciphers.join() === [...ciphers].sort().join());
// Names are taken in any case, and the OpenSSL aliases too.
const key = Buffer.alloc(32, 5);
const iv = Buffer.alloc(16, 6);
const a = crypto.createCipheriv('AES-256-CBC', key, iv).final('hex');
const b = crypto.createCipheriv('aes256', key, iv).final('hex');
console.log(a === b, a);
