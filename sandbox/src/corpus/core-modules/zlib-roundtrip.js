const zlib = require('zlib');
const input = 'hello hello hello hello';
const gz = zlib.gzipSync(input);
console.log(zlib.gunzipSync(gz).toString());
const d = zlib.deflateSync(Buffer.from(input));
console.log(d.toString('base64'), zlib.inflateSync(d).toString());
