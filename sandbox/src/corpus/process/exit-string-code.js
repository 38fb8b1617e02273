process.exitCode = 9;
setTimeout(() => console.log('ending with', process.exitCode), 1);
