// Promises as console.log and util.inspect show them: pending, fulfilled, rejected.
const util = require('util');

const fulfilled = Promise.resolve(4);
const pending = new Promise(() => {});
const resolvedInExecutor = new Promise((resolve) => resolve({ id: 1, tags: ['a'] }));
const rejected = Promise.reject(new Error('no such user'));
rejected.catch(() => {});
const rejectedWithValue = new Promise((_, reject) => reject(404));
rejectedWithValue.catch(() => {});

console.log(fulfilled);
console.log(pending);
console.log(resolvedInExecutor);
console.log(util.inspect(rejected).split('\n').slice(0, 2).join(' | '));
console.log(rejectedWithValue);
console.log([fulfilled, pending], { result: Promise.resolve('done') });

const doubled = fulfilled.then((n) => n * 2);
const recovered = rejected.catch((e) => e.message);
const followed = Promise.resolve().then(() => Promise.resolve('inner'));
const thrown = fulfilled.then(() => { throw new TypeError('bad'); });
thrown.catch(() => {});
console.log(doubled, recovered);

setTimeout(() => {
  console.log(doubled, recovered, followed);
  console.log(util.inspect(thrown).split('\n').slice(0, 2).join(' | '));
  console.log(fulfilled.finally(() => {}), util.inspect(Promise.resolve([1, 2, 3]), { compact: false }));
}, 10);
