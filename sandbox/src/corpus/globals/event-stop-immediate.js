const t = new EventTarget();
t.addEventListener('x', (e) => { console.log('first'); e.stopImmediatePropagation(); });
t.addEventListener('x', () => console.log('second'));
t.dispatchEvent(new Event('x'));
console.log(new Event('x').eventPhase, Event.AT_TARGET);
