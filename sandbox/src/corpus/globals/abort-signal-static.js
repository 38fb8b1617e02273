const s = AbortSignal.abort('why');
console.log(s.aborted, s.reason);
try { s.throwIfAborted(); } catch (e) { console.log('threw', e); }
const t = AbortSignal.timeout(5);
t.addEventListener('abort', () => console.log('timeout', t.reason.name, t.reason.message));
setTimeout(() => {}, 20);
