console.log(process.argv.length, process.argv[1] === __filename, process.argv.slice(2));
console.log(typeof process.env, process.env.NOT_SET, process.cwd() === __dirname);
