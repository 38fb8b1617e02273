const list = ['pear', 'apple', 'fig'].map((s) => Buffer.from(s));
list.sort(Buffer.compare);
console.log(list.map(String), Buffer.from('a').compare(Buffer.from('b')));
