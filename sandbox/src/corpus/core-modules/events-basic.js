const EventEmitter = require('events');
const e = new EventEmitter();
e.on('greet', (name) => console.log('hello', name));
e.once('greet', () => console.log('only once'));
e.emit('greet', 'ada');
e.emit('greet', 'bob');
console.log(e.listenerCount('greet'), e.eventNames());
