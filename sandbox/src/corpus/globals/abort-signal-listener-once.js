const ac = new AbortController();
let calls = 0;
ac.signal.addEventListener('abort', () => calls++);
ac.abort('first');
ac.abort('second');
console.log(calls, ac.signal.reason);
