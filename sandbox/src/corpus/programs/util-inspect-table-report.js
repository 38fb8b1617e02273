const util = require('util');
const rows = [{ name: 'alpha', score: 91.5 }, { name: 'beta', score: 78 }];
console.table(rows);
console.log(util.inspect(rows, { compact: 1, breakLength: 50 }));
console.log(util.format('%s has %d rows, first %o', 'table', rows.length, rows[0]));
