console.log(Buffer.from('héllo', 'latin1'), Buffer.from('hi', 'utf16le'), Buffer.from('hi', 'ucs2').toString('ucs2'));
console.log(Buffer.isEncoding('utf8'), Buffer.isEncoding('base64url'), Buffer.isEncoding('nope'));
