const path = require('node:path');
console.log(path.resolve('file.txt'), path.resolve(), path.resolve('a', 'b'));
console.log(path.join(__dirname, 'data.json'));
