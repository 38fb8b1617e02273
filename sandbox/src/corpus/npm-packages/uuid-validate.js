// uuid: deterministic v5 names, validate, version, parse/stringify.
const { v4, v5, validate, version, parse, stringify, NIL, MAX } = require('uuid');

const NS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
console.log(v5('playground', NS), v5('playground', NS) === v5('playground', NS));
console.log(v5('https://example.com', v5.URL));
const id = v4();
console.log(validate(id), version(id), id.length, /^[0-9a-f-]{36}$/.test(id));
console.log(validate('not-a-uuid'), validate(NIL), NIL, MAX);
const bytes = parse(NS);
console.log(bytes.length, bytes[0], stringify(bytes) === NS);
