setImmediate(() => {
  console.log('immediate 1');
  process.nextTick(() => console.log('tick after immediate 1'));
  setImmediate(() => console.log('immediate 3 (next loop)'));
});
setImmediate(() => console.log('immediate 2'));
