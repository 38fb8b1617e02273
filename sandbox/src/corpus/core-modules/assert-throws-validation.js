const assert = require('assert');
assert.throws(() => { throw Object.assign(new Error('bad input'), { code: 'E_BAD' }); }, { code: 'E_BAD', message: 'bad input' });
assert.doesNotThrow(() => 1);
assert.match('abc123', /\d+/);
assert.notDeepStrictEqual({ a: 1 }, { a: '1' });
console.log('validated');
