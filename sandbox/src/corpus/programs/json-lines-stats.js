const rl = require('readline').createInterface({ input: process.stdin });
const stats = { count: 0, total: 0 };
rl.on('line', (line) => { if (!line.trim()) return; const r = JSON.parse(line); stats.count++; stats.total += r.ms; });
rl.on('close', () => console.log(stats, (stats.total / stats.count).toFixed(2)));
