console.log('before exit');
process.exit(0);
console.log('never');
