const tasks = [{ name: 'c', after: 6 }, { name: 'a', after: 2 }, { name: 'b', after: 4 }];
const start = process.hrtime.bigint();
let done = 0;
for (const t of tasks) setTimeout(() => { console.log('ran', t.name); if (++done === tasks.length) console.log('all done', process.hrtime.bigint() >= start); }, t.after);
