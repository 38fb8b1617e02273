// A program that reports failed jobs from an 'unhandledRejection' listener and keeps going.
const failures = [];
process.on('unhandledRejection', (reason, promise) => {
  failures.push(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));
  console.log('unhandled rejection:', reason instanceof Error ? reason.message : reason, promise instanceof Promise);
});

async function fetchUser(id) {
  await null;
  if (id < 0) throw new RangeError(`bad id ${id}`);
  return { id };
}

const boom = new Error('config missing');
Promise.reject(boom);

setTimeout(() => {
  fetchUser(-1); // nobody awaits it
}, 5);
setTimeout(() => {
  Promise.reject('a plain string');
}, 10);
setTimeout(() => {
  fetchUser(2).then((user) => console.log('user', user));
  console.log('failures so far:', failures);
}, 20);
process.on('exit', (code) => console.log('exit', code, failures.length));
