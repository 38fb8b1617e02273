const readline = require('readline/promises');
(async () => {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const a = await rl.question('a? ');
  const b = await rl.question('b? ');
  console.log('\nsum', Number(a) + Number(b));
  rl.close();
})();
