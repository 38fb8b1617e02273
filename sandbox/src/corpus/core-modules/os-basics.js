const os = require('os');
console.log(os.EOL === '\n', os.platform(), os.type(), os.endianness(), typeof os.cpus().length, typeof os.totalmem());
console.log(typeof os.hostname(), typeof os.homedir(), os.tmpdir() !== '', os.arch() === process.arch);
