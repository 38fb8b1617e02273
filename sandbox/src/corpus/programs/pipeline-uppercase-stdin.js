const { Transform, pipeline } = require('stream');
pipeline(
  process.stdin,
  new Transform({ transform(c, e, cb) { cb(null, c.toString().toUpperCase()); } }),
  process.stdout,
  (err) => { if (err) console.error('failed', err); },
);
