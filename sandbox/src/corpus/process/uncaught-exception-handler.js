process.on('uncaughtException', (err, origin) => {
  console.log('caught globally:', err.message, origin);
});
setTimeout(() => { throw new Error('from a timer'); }, 1);
setTimeout(() => console.log('still running'), 5);
throw new Error('from the main script');
