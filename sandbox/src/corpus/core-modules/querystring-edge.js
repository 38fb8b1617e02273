const qs = require('querystring');
console.log(qs.parse('a&b=&=c&d=1=2'), qs.stringify({ x: null, y: undefined, z: true, n: 0 }));
console.log(qs.parse('a:1;b:2', ';', ':'));
