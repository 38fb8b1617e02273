import EventEmitter, { once } from 'events';
const e = new EventEmitter();
queueMicrotask(() => e.emit('go', 'now'));
console.log((await once(e, 'go'))[0]);
