console.log('out 1');
console.error('err 1');
process.stdout.write('out 2\n');
process.stderr.write('err 2\n');
