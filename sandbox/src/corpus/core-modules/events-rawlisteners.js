const EventEmitter = require('events');
const e = new EventEmitter();
function onceFn() {}
e.once('a', onceFn);
console.log(e.rawListeners('a').length, e.listeners('a')[0] === onceFn, typeof e.rawListeners('a')[0]);
e.on('newListener', (name) => console.log('adding', name));
e.on('b', () => {});
