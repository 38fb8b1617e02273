const b = Buffer.from('json');
const s = JSON.stringify({ b });
console.log(s);
console.log(Buffer.from(JSON.parse(s).b.data).toString());
