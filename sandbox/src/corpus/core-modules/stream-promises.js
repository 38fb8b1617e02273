const { pipeline } = require('stream/promises');
const { Readable, Writable } = require('stream');
let total = 0;
(async () => {
  await pipeline(Readable.from([1, 2, 3].map(String)), new Writable({ write(c, e, cb) { total += Number(c); cb(); } }));
  console.log('total', total);
})();
