const { Readable, Writable } = require('stream');
const items = [];
Readable.from([{ id: 1 }, { id: 2 }])
  .pipe(new Writable({ objectMode: true, write(obj, _e, cb) { items.push(obj.id); cb(); } }))
  .on('finish', () => console.log('ids', items));
