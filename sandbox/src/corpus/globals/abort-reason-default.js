const ac = new AbortController();
ac.abort();
console.log(ac.signal.reason.name, ac.signal.reason.message, ac.signal.reason.code);
