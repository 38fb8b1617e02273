const { join, basename } = require('path');
const { EventEmitter } = require('events');
const { inspect } = require('util');
console.log(join('a', 'b'), basename('/x/y'), typeof EventEmitter, inspect([1, 'a']));
