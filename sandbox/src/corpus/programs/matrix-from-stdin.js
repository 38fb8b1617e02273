const rl = require('readline').createInterface({ input: process.stdin });
const rows = [];
rl.on('line', (l) => rows.push(l.split(/\s+/).map(Number)));
rl.once('close', () => {
  const t = rows[0].map((_, c) => rows.map((r) => r[c]));
  console.log(t.map((r) => r.join(' ')).join('\n'));
});
