const t = process.hrtime();
const d = process.hrtime(t);
console.log(Array.isArray(t), t.length, d[0] >= 0, typeof process.hrtime.bigint());
console.log(process.uptime() >= 0, typeof performance.now());
