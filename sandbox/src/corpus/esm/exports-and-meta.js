export const answer = 42;
export function double(x) { return x * 2; }
export default class Counter { n = 0; }
console.log(double(answer), new Counter().n);
console.log(import.meta.url.startsWith('file:///'), import.meta.url.endsWith('/main.js'), typeof import.meta.dirname);
console.log(typeof require, typeof module, typeof __filename, typeof exports);
