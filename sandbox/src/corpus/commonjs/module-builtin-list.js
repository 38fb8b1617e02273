const { builtinModules } = require('module');
console.log(['events', 'fs', 'path', 'zlib'].every((m) => builtinModules.includes(m)));
