const crypto = require('crypto');
console.log(crypto.pbkdf2Sync('password', 'salt', 1000, 32, 'sha256').toString('hex'));
crypto.pbkdf2('pw', 'na', 10, 16, 'sha512', (err, key) => console.log(err, key.toString('base64')));
console.log(crypto.timingSafeEqual(Buffer.from('abc'), Buffer.from('abc')), crypto.getHashes().includes('sha256'));
