const a = process.hrtime.bigint();
let x = 0; for (let i = 0; i < 1e5; i++) x += i;
const b = process.hrtime.bigint();
console.log(b >= a, typeof (b - a), x);
