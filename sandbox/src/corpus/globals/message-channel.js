// MessageChannel between two parts of one program: delivery order, cloning, close.
const { port1, port2 } = new MessageChannel();
port2.onmessage = (event) => {
  console.log('message', event.data, event instanceof MessageEvent, event.type, event.target === port2);
  if (event.data.n === 3) port2.close();
};
port2.addEventListener('close', () => {
  console.log('port2 closed');
  startLater();
});
setImmediate(() => console.log('immediate'));
Promise.resolve().then(() => console.log('microtask'));
process.nextTick(() => console.log('nextTick'));

const payload = { n: 1, when: new Date(0), tags: new Set(['a']), nested: { list: [1, 2] } };
port1.postMessage(payload);
payload.n = 99; // the message was cloned when it was posted
port1.postMessage({ n: 2 });
port1.postMessage({ n: 3 });
console.log('sync', port1 instanceof MessagePort, port1 instanceof EventTarget, typeof port1.start);
try { port1.postMessage(() => 1); } catch (e) { console.log(e.name, e.message); }
try { new MessagePort(); } catch (e) { console.log(e.name, e.code, e.message); }

// A port started later gets what was sent before; addEventListener starts it too.
function startLater() {
  const later = new MessageChannel();
  later.port1.postMessage('held');
  setTimeout(() => {
    later.port2.addEventListener('message', (event) => {
      console.log('later', event.data);
      later.port2.close();
    });
  }, 5);
}

const ev = new MessageEvent('message', { data: { x: 1 } });
console.log(ev.data, ev.origin === '', ev.lastEventId === '', ev.source, ev.ports.length, ev instanceof Event);
