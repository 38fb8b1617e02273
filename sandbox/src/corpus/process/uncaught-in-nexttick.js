console.log('before');
process.nextTick(() => { throw new Error('tick failure'); });
