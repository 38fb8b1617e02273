const t = new EventTarget();
const ac = new AbortController();
t.addEventListener('e', () => console.log('heard'), { signal: ac.signal });
t.dispatchEvent(new Event('e'));
ac.abort();
t.dispatchEvent(new Event('e'));
console.log('done');
