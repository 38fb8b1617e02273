const { setTimeout: sleep } = require('timers/promises');
let attempts = 0;
async function flaky() { attempts++; if (attempts < 3) throw new Error(`fail ${attempts}`); return 'ok'; }
async function retry(fn, n) {
  for (let i = 0; ; i++) {
    try { return await fn(); } catch (e) { console.log('retrying after', e.message); if (i >= n) throw e; await sleep(2 ** i); }
  }
}
retry(flaky, 5).then((v) => console.log(v, 'after', attempts, 'attempts'));
