import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { format } = require('util');
console.log(format('%s-%d', 'x', 7));
