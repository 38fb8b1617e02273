const zlib = require('zlib');
const packed = zlib.deflateRawSync('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa').toString('base64');
console.log(packed, zlib.inflateRawSync(Buffer.from(packed, 'base64')).toString().length);
console.log(zlib.constants.Z_BEST_COMPRESSION, typeof zlib.createGzip);
