console.log(require('events') === require('node:events'), require('path') === require('node:path'));
console.log(require('util').inspect === require('node:util').inspect);
