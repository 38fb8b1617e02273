const msg = Buffer.alloc(7);
msg.writeUInt8(1, 0);
msg.writeUInt16BE(513, 1);
msg.write('abcd', 3, 'ascii');
console.log(msg.toString('hex'), msg.readUInt16BE(1), msg.subarray(3).toString());
