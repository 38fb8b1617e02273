const lines = require('readline').createInterface({ input: process.stdin });
let total = 0;
lines.on('line', (l) => { total += Number(l) || 0; });
lines.on('close', () => process.stdout.write(`total=${total}\n`));
