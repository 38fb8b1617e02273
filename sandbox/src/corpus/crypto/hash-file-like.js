const crypto = require('crypto');
const rl = require('readline').createInterface({ input: process.stdin });
const h = crypto.createHash('md5');
rl.on('line', (l) => h.update(l + '\n'));
rl.on('close', () => console.log(h.digest('hex')));
