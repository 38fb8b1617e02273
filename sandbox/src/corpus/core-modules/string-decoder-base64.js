const { StringDecoder } = require('node:string_decoder');
const d = new StringDecoder('base64');
console.log(d.write(Buffer.from('ab')) + d.end(Buffer.from('c')));
