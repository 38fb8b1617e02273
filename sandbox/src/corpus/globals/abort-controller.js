const ac = new AbortController();
console.log(ac.signal.aborted, ac);
ac.signal.addEventListener('abort', () => console.log('aborted!', ac.signal.reason.name));
ac.abort();
console.log(ac.signal.aborted, ac.signal.reason instanceof DOMException);
ac.abort();
