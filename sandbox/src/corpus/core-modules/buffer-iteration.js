const b = Buffer.from('AbC');
for (const byte of b) process.stdout.write(byte + ' ');
console.log();
console.log([...b.entries()], b.toString('latin1'), b.toString('ascii'), b.toString('utf16le').length);
console.log(Buffer.from('ff00', 'hex').readUInt16LE(0), Buffer.alloc(2).fill(0xab).toString('hex'));
