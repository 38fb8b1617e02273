const a = Buffer.alloc(6, 'ab');
const b = Buffer.alloc(3);
a.copy(b, 0, 1, 4);
console.log(a.toString(), b.toString(), Buffer.alloc(4).fill(255).readInt32LE(0));
const c = Buffer.from('hello world');
console.log(c.lastIndexOf('o'), c.swap16 ? 'swap' : '', Buffer.from([1, 2, 3, 4]).swap16());
