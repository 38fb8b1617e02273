const { setInterval } = require('node:timers/promises');
(async () => {
  let n = 0;
  for await (const v of setInterval(2, 'tick')) {
    console.log(v, ++n);
    if (n === 3) break;
  }
  console.log('done');
})();
