const EventEmitter = require('events');
class Bus extends EventEmitter {}
const b = new Bus();
b.on('x', () => {});
console.log(new EventEmitter(), b.listenerCount('x'));
