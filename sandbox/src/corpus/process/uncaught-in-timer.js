setTimeout(() => { console.log('in timer'); throw new RangeError('timer failure'); }, 1);
setTimeout(() => console.log('never'), 20);
