// scrypt: the RFC 7914 vectors, Node's defaults, the callback form and a memory limit.
const crypto = require('crypto');
console.log(crypto.scryptSync('', '', 64, { N: 16, r: 1, p: 1 }).toString('hex'));
console.log(crypto.scryptSync('password', 'NaCl', 64, { cost: 1024, blockSize: 8, parallelization: 16 }).toString('hex'));
console.log(crypto.scryptSync('hunter2', crypto.createHash('sha256').update('salt').digest(), 32).toString('base64'));
crypto.scrypt('password', 'salt', 16, { N: 1024 }, (err, key) => console.log('async', err, key.toString('hex')));
crypto.scrypt('password', 'salt', 8, (err, key) => console.log('defaults', err, key.length));
for (const options of [{ N: 2 ** 16 }, { N: 1000 }, { N: 16, cost: 16 }]) {
  try {
    crypto.scryptSync('p', 's', 16, options);
  } catch (e) {
    console.log(e.name, e.code, e.message);
  }
}
console.log(crypto.scryptSync('p', 's', 16, { N: 2 ** 16, maxmem: 128 * 8 * (2 ** 16 + 3) }).length);
