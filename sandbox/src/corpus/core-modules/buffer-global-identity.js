console.log(Buffer === require('buffer').Buffer, typeof Buffer.from, typeof Buffer.alloc);
const big = Buffer.alloc(60, 'ab');
console.log(big);
console.log(Buffer.from('€').length, Buffer.from([256, -1, 3.7]));
