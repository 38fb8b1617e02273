const { EventEmitter } = require('node:events');
class Counter extends EventEmitter {
  #n = 0;
  inc() { this.#n++; this.emit('change', this.#n); }
}
const c = new Counter();
c.on('change', (n) => console.log('now', n));
c.inc(); c.inc();
console.log(c instanceof EventEmitter, typeof EventEmitter.defaultMaxListeners);
