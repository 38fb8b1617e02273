process.stdout.write('68690a', 'hex');
process.stdout.write('b2sK', 'base64');
process.stdout.write(new Uint8Array([97, 10]));
process.stdout.write('plain\n', 'utf8');
