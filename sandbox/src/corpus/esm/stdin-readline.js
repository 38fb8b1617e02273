import { createInterface } from 'node:readline';

const rl = createInterface({ input: process.stdin });
let total = 0;
for await (const line of rl) total += line.length;
console.log('chars', total);
