const url = require('url');
const u = new URL('https://user:pass@sub.example.com:8080/p/a/t/h?query=string#hash');
console.log(url.format(u, { fragment: false, unicode: true, auth: false }));
console.log(u.origin, u.host, u.password);
