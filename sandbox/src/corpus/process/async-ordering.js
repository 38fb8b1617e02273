async function a() { console.log('a start'); await null; console.log('a after await'); }
setImmediate(() => console.log('immediate'));
process.nextTick(() => console.log('nextTick'));
a().then(() => console.log('a done'));
console.log('sync');
