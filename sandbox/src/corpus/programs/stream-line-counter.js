const { Transform } = require('stream');
let count = 0;
const counter = new Transform({
  transform(chunk, enc, cb) { count += chunk.toString().split('\n').length - 1; cb(null, chunk); },
});
process.stdin.pipe(counter).on('data', () => {}).on('end', () => console.log('lines:', count));
