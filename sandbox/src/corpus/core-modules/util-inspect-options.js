const util = require('util');
const obj = { name: 'x', list: Array.from({ length: 8 }, (_, i) => i), nested: { a: { b: { c: { d: 1 } } } } };
console.log(util.inspect(obj, { depth: 1 }));
console.log(util.inspect(obj, { maxArrayLength: 3, breakLength: Infinity }));
console.log(util.inspect('quote\'s', { colors: false }), util.inspect(new Map([['k', new Set([1])]])));
class Temp { constructor() { this.c = 21; } [util.inspect.custom]() { return `Temp<${this.c}C>`; } }
console.log(new Temp(), [new Temp()]);
