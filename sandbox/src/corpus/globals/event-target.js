const t = new EventTarget();
const handler = (e) => console.log('got', e.type, e instanceof Event, e.target === t);
t.addEventListener('ping', handler);
t.addEventListener('ping', { handleEvent(e) { console.log('object listener', e.type); } });
t.addEventListener('ping', () => console.log('once'), { once: true });
t.dispatchEvent(new Event('ping'));
t.removeEventListener('ping', handler);
t.dispatchEvent(new Event('ping'));
console.log(t);
