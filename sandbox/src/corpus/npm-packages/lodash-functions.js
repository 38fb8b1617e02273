// Chaining, memoize, partial application and lodash/fp.
const _ = require('lodash');
const fp = require('lodash/fp');

const total = _.chain([1, 2, 3, 4, 5, 6]).filter((n) => n % 2 === 0).map((n) => n * n).sum().value();
console.log('total', total);

let calls = 0;
const slowSquare = _.memoize((n) => { calls++; return n * n; });
console.log(slowSquare(9), slowSquare(9), 'calls', calls);

const greet = (greeting, name) => `${greeting}, ${name}!`;
console.log(_.partial(greet, 'Hello')('world'));
const once = _.once(() => 'first');
console.log(once(), once());

const pipeline = fp.flow(fp.map((s) => s.trim()), fp.filter(Boolean), fp.map(fp.toUpper), fp.join('|'));
console.log(pipeline([' a ', '', 'b', '  c']));
console.log(fp.sortBy('n')([{ n: 3 }, { n: 1 }, { n: 2 }]));
