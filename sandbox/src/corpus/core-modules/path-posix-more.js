const path = require('path');
console.log(path.join('/a/b', '../../..', 'c'), path.resolve('/a', 'b', '/c', 'd'), path.normalize('./a/./b//'));
console.log(path.format({ root: '/', name: 'file', ext: '.txt' }), path.parse('/a/b.c.d'));
console.log(path.isAbsolute('/x'), path.relative('/data/orandea/test/aaa', '/data/orandea/impl/bbb'));
