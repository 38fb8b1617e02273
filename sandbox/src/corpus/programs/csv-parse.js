const rows = [];
const rl = require('readline').createInterface({ input: process.stdin });
rl.on('line', (line) => rows.push(line.split(',')));
rl.on('close', () => {
  const [head, ...data] = rows;
  console.table(data.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]]))));
});
