process.emitWarning('Something happened');
process.emitWarning('Old API', 'DeprecationWarning', 'DEP0999');
console.log('after warnings');
