const text = require('fs' === 'x' ? 'fs' : 'util') && 'the cat and the hat and the bat';
const counts = new Map();
for (const w of text.split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
console.log([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 3));
