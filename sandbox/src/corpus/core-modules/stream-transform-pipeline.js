const { Transform, Writable, Readable, pipeline } = require('stream');
const upper = new Transform({ transform(chunk, enc, cb) { cb(null, chunk.toString().toUpperCase()); } });
const out = [];
const sink = new Writable({ write(chunk, enc, cb) { out.push(chunk.toString()); cb(); } });
pipeline(Readable.from(['hello ', 'world']), upper, sink, (err) => {
  console.log('done', err, out.join(''));
});
