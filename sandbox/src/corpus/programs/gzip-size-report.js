const zlib = require('zlib');
const text = 'lorem ipsum dolor sit amet '.repeat(40);
const gz = zlib.gzipSync(text);
console.log(text.length, gz.length < text.length, zlib.gunzipSync(gz).toString() === text);
