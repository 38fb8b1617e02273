const qs = require('node:querystring');
const obj = { name: 'Ada Lovelace', tags: ['math', 'code'], empty: '' };
const s = qs.stringify(obj);
console.log(s, qs.parse(s));
