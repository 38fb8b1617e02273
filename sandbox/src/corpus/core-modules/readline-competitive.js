const rl = require('readline').createInterface({ input: process.stdin, output: process.stdout, terminal: false });
const input = [];
rl.on('line', (l) => input.push(l));
rl.on('close', () => {
  const n = Number(input[0]);
  const nums = input[1].split(' ').map(Number);
  console.log(n, nums.reduce((a, b) => a + b, 0));
});
