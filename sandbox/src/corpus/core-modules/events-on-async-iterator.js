const { EventEmitter, once } = require('events');
const ee = new EventEmitter();
(async () => {
  const [v] = await once(ee, 'go');
  console.log('got', v);
})();
process.nextTick(() => ee.emit('go', 7));
