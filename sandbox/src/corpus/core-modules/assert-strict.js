const assert = require('assert/strict');
const { strict } = require('assert');
console.log(assert === strict, typeof assert.equal);
try { assert.equal(1, '1'); } catch (e) { console.log('strict equal rejects', e.code); }
assert.deepEqual([1, 2], [1, 2]);
console.log('ok');
