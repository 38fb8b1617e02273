console.log(typeof Buffer, Buffer.from('hi').toString('base64'));
console.log(Buffer.from([104, 105]).toString(), Buffer.alloc(3));
