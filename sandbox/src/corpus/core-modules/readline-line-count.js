const readline = require('readline');
const rl = readline.createInterface({ input: process.stdin, terminal: false });
let n = 0;
rl.on('line', () => n++).on('close', () => console.log('lines', n));
