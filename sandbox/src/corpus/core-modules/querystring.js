const qs = require('querystring');
console.log(qs.parse('a=1&b=2&b=3&c=%20x'));
console.log(qs.stringify({ a: [1, 2], b: 'x y', c: '' }));
console.log(qs.escape('a b&c'), qs.unescape('a%20b'));
