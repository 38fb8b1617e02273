const copy = structuredClone(new Uint8Array([1, 2, 3]));
console.log(copy, copy instanceof Uint8Array);
