queueMicrotask(() => console.log('micro 1'));
Promise.resolve().then(() => console.log('promise'));
queueMicrotask(() => console.log('micro 2'));
process.nextTick(() => console.log('tick'));
