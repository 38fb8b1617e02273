setTimeout(() => { console.log('in timer'); process.exit(2); }, 1);
setTimeout(() => console.log('never runs'), 50);
