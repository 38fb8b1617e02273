process.exitCode = 5;
console.log('set exit code', process.exitCode);
