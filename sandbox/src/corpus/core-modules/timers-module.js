const timers = require('timers');
timers.setImmediate(() => {
  console.log('immediate');
  timers.setTimeout(() => console.log('timeout'), 1);
});
console.log(timers.setTimeout === setTimeout, timers.clearImmediate === clearImmediate);
