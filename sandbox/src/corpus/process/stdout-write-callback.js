process.stdout.write('chunk\n', () => console.log('written'));
console.log('sync');
