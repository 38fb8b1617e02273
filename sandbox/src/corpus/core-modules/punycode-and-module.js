const { builtinModules, isBuiltin } = require('module');
console.log(builtinModules.includes('fs'), isBuiltin('node:events'), isBuiltin('lodash'));
