const { StringDecoder } = require('string_decoder');
const d = new StringDecoder('utf16le');
const bytes = Buffer.from('hé', 'utf16le');
console.log(JSON.stringify(d.write(bytes.subarray(0, 3))), JSON.stringify(d.end(bytes.subarray(3))));
