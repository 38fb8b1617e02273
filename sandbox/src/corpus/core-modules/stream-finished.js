const { Readable, finished } = require('stream');
const r = Readable.from(['a', 'b']);
finished(r, (err) => console.log('finished', err));
r.resume();
