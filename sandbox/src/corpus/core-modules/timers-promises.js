const { setTimeout: sleep, setImmediate: soon } = require('timers/promises');
(async () => {
  const v = await sleep(5, 'value');
  console.log('slept', v);
  console.log('soon', await soon('now'));
  const ac = new AbortController();
  const p = sleep(1000, null, { signal: ac.signal });
  ac.abort();
  try { await p; } catch (e) { console.log(e.name, e.code); }
})();
