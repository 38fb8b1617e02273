import { EventEmitter, once } from 'node:events';
import { join, basename } from 'path';

const e = new EventEmitter();
setTimeout(() => e.emit('ready', join('a', 'b'), basename('/x/y.js')), 1);
const [p, b] = await once(e, 'ready');
console.log(p, b);
