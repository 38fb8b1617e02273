// Ciphers are Transform streams: pipe, write/end and 'data' events.
const crypto = require('crypto');
const { Readable, pipeline, Writable } = require('stream');
const key = crypto.createHash('sha256').update('stream key').digest();
const iv = Buffer.alloc(16, 3);
const chunks = [];
pipeline(
  Readable.from(['first line\n', 'second line\n', 'third']),
  crypto.createCipheriv('aes-256-cbc', key, iv),
  new Writable({ write(chunk, _enc, done) { chunks.push(chunk); done(); } }),
  (err) => {
    const enc = Buffer.concat(chunks);
    console.log('encrypted', err, enc.length, enc.toString('hex'));
    const d = crypto.createDecipheriv('aes-256-cbc', key, iv);
    let text = '';
    d.setEncoding('utf8');
    d.on('data', (s) => { text += s; });
    d.on('end', () => console.log(JSON.stringify(text)));
    d.write(enc.subarray(0, 20));
    d.end(enc.subarray(20));
  },
);
