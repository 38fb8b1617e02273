const b = Buffer.from('hi');
console.log(b.toString('base64'), b.toString('hex'), b);
console.log(Buffer.from('aGVsbG8=', 'base64').toString());
console.log(Buffer.from('héllo 😀').toString('base64'));
console.log(Buffer.from('68656c6c6f', 'hex').toString('utf8'));
console.log(Buffer.byteLength('😀'), Buffer.from('abc').toString('base64url'));
