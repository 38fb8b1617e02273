process.nextTick((a, b) => console.log('args', a, b), 1, 'two');
