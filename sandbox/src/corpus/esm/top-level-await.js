import { setTimeout as sleep } from 'node:timers/promises';

console.log('start');
const value = await sleep(5, 'slept');
console.log(value);
for await (const n of (async function* () { yield 1; yield 2; })()) console.log('item', n);
