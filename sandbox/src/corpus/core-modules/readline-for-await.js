const readline = require('node:readline');
(async () => {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  let sum = 0;
  for await (const line of rl) sum += Number(line);
  console.log('sum', sum);
})();
