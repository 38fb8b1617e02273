const { EventEmitter, once } = require('events');
const ee = new EventEmitter();
const ac = new AbortController();
once(ee, 'never', { signal: ac.signal }).catch((e) => console.log(e.name, e.code));
ac.abort();
