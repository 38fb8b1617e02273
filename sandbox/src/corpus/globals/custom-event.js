const t = new EventTarget();
t.addEventListener('data', (e) => console.log(e.detail, e.type));
t.dispatchEvent(new CustomEvent('data', { detail: { n: 1 } }));
const e = new Event('x', { cancelable: true });
t.addEventListener('x', (ev) => ev.preventDefault());
console.log(t.dispatchEvent(e), e.defaultPrevented);
