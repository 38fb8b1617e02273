const crypto = require('crypto');
console.log(crypto.randomUUID().length, crypto.randomBytes(8).length, /^[0-9a-f]{32}$/.test(crypto.randomBytes(16).toString('hex')));
const n = crypto.randomInt(10);
console.log(n >= 0 && n < 10);
