const assert = require('node:assert');
try { assert.strictEqual(1, 2); } catch (e) { console.log(e.name, e.code, e.actual, e.expected, e.operator); }
try { assert.ok(false, 'custom message'); } catch (e) { console.log(e.message, e instanceof assert.AssertionError); }
try { assert.fail('failed on purpose'); } catch (e) { console.log(e.message); }
