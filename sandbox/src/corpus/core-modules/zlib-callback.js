const zlib = require('node:zlib');
zlib.deflate('abcabcabc', (err, out) => {
  console.log(err, out.length > 0);
  zlib.inflate(out, (err2, back) => console.log(err2, back.toString()));
});
