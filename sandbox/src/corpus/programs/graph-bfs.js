const { EOL } = require('os');
const edges = [['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd'], ['d', 'e']];
const g = new Map();
for (const [x, y] of edges) { (g.get(x) ?? g.set(x, []).get(x)).push(y); (g.get(y) ?? g.set(y, []).get(y)).push(x); }
const seen = new Set(['a']); const queue = ['a']; const order = [];
while (queue.length) { const n = queue.shift(); order.push(n); for (const m of g.get(n)) if (!seen.has(m)) { seen.add(m); queue.push(m); } }
process.stdout.write(order.join(' -> ') + EOL);
