const copy = structuredClone({ when: new Date(0), tags: new Set(['a']) });
console.log(copy);
console.log(new TextDecoder().decode(Buffer.from('ünï')));
