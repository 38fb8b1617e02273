const { EventEmitter, errorMonitor } = require('events');
const e = new EventEmitter();
e.on(errorMonitor, (err) => console.log('monitor saw', err.message));
e.on('error', (err) => console.log('handled', err.message));
e.emit('error', new Error('oops'));
