console.log(typeof process, process === globalThis.process, require('process') === process);
console.log(typeof process.on, typeof process.nextTick, typeof process.exit);
