process.on('exit', (code) => console.log('exit listener sees code', code));
console.log('working');
setTimeout(() => { throw new Error('late failure'); }, 1);
