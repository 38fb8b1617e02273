const { once, EventEmitter } = require('events');
const e = new EventEmitter();
setTimeout(() => e.emit('ready', 42, 'x'), 5);
once(e, 'ready').then((args) => console.log('ready with', args));
