const b = Buffer.alloc(16);
b.writeDoubleBE(Math.PI, 0);
b.writeBigInt64LE(-5n, 8);
console.log(b.readDoubleBE(0), b.readBigInt64LE(8), b.readFloatBE(0));
