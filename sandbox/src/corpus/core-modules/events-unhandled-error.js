const EventEmitter = require('events');
console.log('emitting');
new EventEmitter().emit('error', new Error('nobody listens'));
