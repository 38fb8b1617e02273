const util = require('util');
const items = [{ name: 'apple', qty: 3 }, { name: 'pear', qty: 10 }];
for (const it of items) console.log(util.format('%s: %d', it.name.padEnd(8), it.qty));
console.log(util.inspect(items, { compact: true, breakLength: 40 }));
