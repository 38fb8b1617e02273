const t = setTimeout(() => console.log('unref timer never fires'), 5000);
t.unref();
console.log(t.hasRef());
const i = setInterval(() => {}, 1000);
i.unref();
setTimeout(() => console.log('refed timer fires'), 5);
