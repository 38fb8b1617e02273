const p = new URLSearchParams('b=2&a=1&c=3&a=0');
p.sort();
console.log(p.toString(), [...p.keys()], p.getAll('a'));
const { URL } = require('node:url');
const u = new URL('https://x.org/?q=a+b');
console.log(u.searchParams.get('q'), u.search);
