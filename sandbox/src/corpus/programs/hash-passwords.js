const { createHash, randomBytes, timingSafeEqual, pbkdf2Sync } = require('crypto');
const salt = Buffer.from('fixed-salt');
const hash = (pw) => pbkdf2Sync(pw, salt, 100, 16, 'sha256');
const stored = hash('hunter2');
console.log(stored.toString('hex'), timingSafeEqual(stored, hash('hunter2')), timingSafeEqual(stored, hash('nope')));
console.log(createHash('md5').update('etag').digest('base64url'), randomBytes(0).length);
