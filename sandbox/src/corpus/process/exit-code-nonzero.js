console.log('failing on purpose');
process.exit(3);
