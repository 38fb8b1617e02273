process.nextTick(() => {
  console.log('tick 1');
  process.nextTick(() => console.log('tick 3 (nested)'));
  Promise.resolve().then(() => console.log('promise inside tick'));
});
process.nextTick(() => console.log('tick 2'));
Promise.resolve().then(() => {
  console.log('promise 1');
  process.nextTick(() => console.log('tick from promise'));
}).then(() => console.log('promise 2'));
