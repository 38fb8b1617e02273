const util = require('util');
console.log(util.inspect({ a: new Map([[1, 2]]), s: new Set([1]) }));
console.log(util.inspect('str'), util.inspect([1, [2, [3, [4]]]], { depth: 0 }));
console.log(util.format('%s=%d %i %j %o', 'x', 1.5, 2.9, { a: 1 }, [1]));
console.log(util.inspect({ deep: { deeper: { deepest: { x: 1 } } } }, { depth: Infinity, compact: false }));
console.log(util.inspect === require('node:util').inspect);
