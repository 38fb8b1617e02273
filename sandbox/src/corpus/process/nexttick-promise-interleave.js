Promise.resolve().then(() => {
  console.log('p1');
  process.nextTick(() => console.log('tick in p1'));
  Promise.resolve().then(() => console.log('p1.1'));
});
Promise.resolve().then(() => console.log('p2'));
process.nextTick(() => console.log('tick0'));
