process.on('exit', () => console.log('exit'));
process.nextTick(() => console.log('tick'));
setImmediate(() => console.log('immediate'));
console.log('main');
