const util = require('util');
function thing(cb) { cb(null, 'plain'); }
thing[util.promisify.custom] = () => Promise.resolve('custom');
util.promisify(thing)().then(console.log);
console.log(util.promisify.custom === Symbol.for('nodejs.util.promisify.custom'));
