const url = require('url');
const u = url.parse('https://user:pw@example.com:8080/p/a/t/h?query=string&x=1#hash', true);
console.log(u.protocol, u.host, u.pathname, u.query, u.hash, u.auth);
console.log(url.format({ protocol: 'http', host: 'a.com', pathname: '/x', query: { q: 1 } }));
console.log(url.resolve('http://a.com/b/c', '../d'), url.URL === URL);
