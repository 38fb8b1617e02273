const path = require('path');
const files = ['src/index.js', 'src/lib/util.js', 'test/a.test.js', 'README.md'];
const byDir = {};
for (const f of files) (byDir[path.dirname(f)] ??= []).push(path.basename(f, path.extname(f)));
console.log(byDir);
