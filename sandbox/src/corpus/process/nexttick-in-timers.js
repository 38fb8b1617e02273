setTimeout(() => {
  console.log('t1');
  Promise.resolve().then(() => console.log('t1 promise'));
  process.nextTick(() => console.log('t1 tick'));
}, 1);
setTimeout(() => {
  console.log('t2');
  setImmediate(() => {
    process.nextTick(() => console.log('imm tick'));
    Promise.resolve().then(() => console.log('imm promise'));
    console.log('imm');
  });
  setImmediate(() => console.log('imm 2'));
}, 1);
