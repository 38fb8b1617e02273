const EventEmitter = require('events');
class Store extends EventEmitter {
  constructor() { super(); this.state = { count: 0 }; }
  dispatch(action) {
    if (action.type === 'inc') this.state = { ...this.state, count: this.state.count + 1 };
    this.emit('change', this.state);
  }
}
const s = new Store();
s.on('change', (st) => console.log('state', st));
['inc', 'inc', 'noop'].forEach((type) => s.dispatch({ type }));
