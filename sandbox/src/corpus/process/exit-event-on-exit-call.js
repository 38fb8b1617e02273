process.on('exit', (code) => console.log('exiting', code, process.exitCode));
setTimeout(() => process.exit(7), 1);
