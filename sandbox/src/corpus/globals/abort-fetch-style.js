function work(signal) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve('done'), 50);
    signal.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); });
  });
}
const ac = new AbortController();
work(ac.signal).catch((e) => console.log('rejected:', e.name, e.message));
setTimeout(() => ac.abort(), 1);
