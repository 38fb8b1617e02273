new Promise(() => {});
setTimeout(() => console.log('timer'), 1);
process.on('exit', (c) => console.log('exit', c));
