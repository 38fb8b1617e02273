const a = new AbortController();
const b = new AbortController();
const any = AbortSignal.any([a.signal, b.signal]);
any.onabort = () => console.log('any aborted with', any.reason);
b.abort('from b');
console.log(any.aborted);
