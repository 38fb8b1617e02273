const { setTimeout: wait } = require('timers/promises');
const ac = new AbortController();
setTimeout(() => ac.abort(), 2);
wait(100, 'late', { signal: ac.signal }).then(console.log, (e) => console.log('aborted:', e.name, e.message));
