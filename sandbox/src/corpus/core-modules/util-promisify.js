const { promisify, callbackify } = require('util');
function legacy(x, cb) { setTimeout(() => cb(null, x * 2), 1); }
const p = promisify(legacy);
p(21).then((v) => console.log('promisified', v));
const cbStyle = callbackify(async (x) => x + 1);
cbStyle(1, (err, v) => console.log('callbackified', err, v));
const sleep = promisify(setTimeout);
sleep(2).then(() => console.log('slept'));
