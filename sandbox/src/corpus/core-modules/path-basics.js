const path = require('path');
console.log(path.join('/a', 'b', '../c', 'd.txt'));
console.log(path.resolve('/x/y', '../z'), path.normalize('/a//b/./c/..'));
console.log(path.basename('/tmp/file.tar.gz'), path.basename('/tmp/file.js', '.js'), path.extname('x.md'));
console.log(path.dirname('/a/b/c'), path.isAbsolute('a'), path.sep, path.delimiter);
console.log(path.parse('/home/u/notes.txt'), path.format({ dir: '/d', base: 'f.js' }));
console.log(path.relative('/a/b/c', '/a/d'), path.posix === path.posix.posix, require('path/posix').join('a', 'b'));
