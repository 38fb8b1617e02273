const EventEmitter = require('events');
const assert = require('assert');
class Account extends EventEmitter {
  #balance = 0;
  deposit(n) { assert(n > 0, 'deposit must be positive'); this.#balance += n; this.emit('change', this.#balance); }
  withdraw(n) { if (n > this.#balance) return this.emit('error', new Error('insufficient funds')); this.#balance -= n; this.emit('change', this.#balance); }
}
const acct = new Account();
acct.on('change', (b) => console.log('balance', b));
acct.on('error', (e) => console.log('error:', e.message));
acct.deposit(50); acct.withdraw(20); acct.withdraw(100);
try { acct.deposit(-1); } catch (e) { console.log(e.name, e.message); }
