process.on('exit', (code) => console.log('exit event with', code));
console.log('main done');
