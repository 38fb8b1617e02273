const { PassThrough, Duplex } = require('stream');
const p = new PassThrough();
p.on('data', (d) => console.log('through', d.toString()));
p.write('x');
p.end('y');
const d = new Duplex({ read() { this.push('from duplex'); this.push(null); }, write(c, e, cb) { console.log('duplex got', c.toString()); cb(); } });
d.on('data', (c) => console.log(c.toString()));
d.write('to duplex');
