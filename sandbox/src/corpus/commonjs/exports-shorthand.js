exports.add = (a, b) => a + b;
console.log(module.exports.add(2, 3), exports === module.exports);
