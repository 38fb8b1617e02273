const crypto = require('crypto');
const h = crypto.createHash('sha256');
h.update('part one, ');
const copy = h.copy();
h.update('part two');
console.log(h.digest('hex'));
console.log(copy.digest('hex'));
try { h.digest(); } catch (e) { console.log(e.code, e.message); }
try { crypto.createHash('nope'); } catch (e) { console.log(e.message); }
