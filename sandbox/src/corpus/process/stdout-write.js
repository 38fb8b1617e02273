process.stdout.write('no newline');
process.stdout.write(' then more\n');
process.stderr.write('to stderr\n');
process.stdout.write(Buffer.from('bytes\n'));
console.log(process.stdout.write('x') === true);
