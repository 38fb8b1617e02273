const zlib = require('zlib');
const { Readable } = require('stream');
const chunks = [];
Readable.from([Buffer.from('stream me '.repeat(20))]).pipe(zlib.createGzip()).pipe(zlib.createGunzip())
  .on('data', (c) => chunks.push(c))
  .on('end', () => console.log(Buffer.concat(chunks).toString().length));
