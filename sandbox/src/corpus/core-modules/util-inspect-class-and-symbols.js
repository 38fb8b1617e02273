const { inspect } = require('util');
class Point { constructor() { this.x = 1; this[Symbol('tag')] = 'y'; } }
console.log(inspect(new Point()), inspect({ fn() {}, arrow: () => {} }), inspect([undefined, null]));
console.log(inspect('x'.repeat(5), { colors: false }), inspect(123456789n), inspect(new Error('e').message));
