const assert = require('assert');
const cases = [[{ a: 1 }, { a: 1 }], [[1, [2]], [1, [2]]], [new Map([[1, 2]]), new Map([[1, 3]])], [new Set([1]), new Set([1])]];
for (const [a, b] of cases) {
  let ok = true;
  try { assert.deepStrictEqual(a, b); } catch { ok = false; }
  console.log(ok);
}
