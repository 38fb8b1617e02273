// Map and Set iterators, as console.log and util.inspect show them.
const util = require('util');
const scores = new Map([['ada', 3], ['linus', 1], ['grace', { wins: [1, 2] }]]);
const tags = new Set(['js', 'node', 42]);

console.log(scores.entries());
console.log(scores.keys());
console.log(scores.values());
console.log(scores[Symbol.iterator]());
console.log(tags.values(), tags.keys());
console.log(tags.entries());
console.log({ iterators: [scores.keys(), tags[Symbol.iterator]()] });
console.log(util.inspect(scores.entries(), { compact: false }));
console.log(util.inspect(new Map([[1, 'a']]).values(), { depth: 0 }), new Map().entries(), new Set().values());
// Iterating still works as before, and the iterators are the engine's own.
console.log([...scores.keys()].join(','), Array.from(tags.entries()).length);
console.log(Object.prototype.toString.call(scores.keys()), typeof scores.entries().next);
for (const [name, score] of scores) if (typeof score === 'number') console.log(name, score);
