// Without an 'unhandledRejection' listener, node hands the rejection to
// 'uncaughtException' listeners, with 'unhandledRejection' as its origin.
process.on('uncaughtException', (err, origin) => {
  console.log(`${origin}: ${err.message}`);
  process.exitCode = 2;
});

async function main() {
  await new Promise((resolve) => setTimeout(resolve, 5));
  throw new Error('main failed');
}

main();
setTimeout(() => {
  JSON.parse('{'); // a plain uncaught exception, for comparison
}, 10);
setTimeout(() => console.log('cleanup ran'), 20);
