module.exports = function greet(name) { return `hi ${name}`; };
console.log(module.exports('ada'), typeof module.exports);
