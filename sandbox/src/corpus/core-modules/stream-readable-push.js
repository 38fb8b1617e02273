const { Readable } = require('stream');
let n = 0;
const r = new Readable({ read() { n++; this.push(n <= 3 ? `chunk${n}\n` : null); } });
r.setEncoding('utf8');
let all = '';
r.on('data', (c) => { all += c; });
r.on('end', () => process.stdout.write(all));
