const { Writable } = require('stream');
const w = new Writable({ highWaterMark: 4, write(chunk, enc, cb) { setImmediate(cb); } });
console.log(w.write('ab'), w.write('cdef'), w.writableLength);
w.on('drain', () => console.log('drain'));
w.end('!', () => console.log('finished'));
