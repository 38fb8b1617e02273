const path = require('path');
console.log(path.join(''), path.join('a', '', 'b'), path.normalize(''), path.normalize('a/../..'));
console.log(path.basename(''), path.extname('.bashrc'), path.extname('a.'), path.dirname('a'), path.parse(''));
console.log(path.relative('/a', '/a'), path.resolve('/'), path.toNamespacedPath('/x'));
