module.exports = { answer: 42 };
exports.ignored = true;
console.log(module.exports, typeof exports);
