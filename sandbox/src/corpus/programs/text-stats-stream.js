const { Writable } = require('stream');
const stats = { bytes: 0, lines: 0 };
const sink = new Writable({
  write(chunk, _enc, cb) { stats.bytes += chunk.length; stats.lines += chunk.toString().split('\n').length - 1; cb(); },
  final(cb) { console.log(stats); cb(); },
});
process.stdin.pipe(sink);
