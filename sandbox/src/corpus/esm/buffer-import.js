import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
console.log(Buffer.from('esm').toString('hex'), createHash('sha1').update('esm').digest('hex'));
