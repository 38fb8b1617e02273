const crypto = require('crypto');
for (const alg of ['md5', 'sha1', 'sha256', 'sha512', 'sha384', 'sha224']) {
  console.log(alg, crypto.createHash(alg).update('hello world').digest('hex'));
}
console.log(crypto.createHash('sha256').update('😀 unicode').digest('base64'));
console.log(crypto.createHash('SHA256').update(Buffer.from([1, 2, 3])).digest());
