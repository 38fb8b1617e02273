Promise.resolve().then(() => {
  console.log('in promise');
  process.exit(6);
}).finally(() => console.log('never'));
