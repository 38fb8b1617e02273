const { URL, URLSearchParams, fileURLToPath, pathToFileURL } = require('url');
const u = new URL('https://example.org/a?x=1');
u.searchParams.append('y', 'two');
console.log(u.href, new URLSearchParams('a=1&b=2').get('b'));
console.log(fileURLToPath('file:///tmp/x.txt'), pathToFileURL('/tmp/y z.txt').href);
