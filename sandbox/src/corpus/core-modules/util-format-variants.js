const { format } = require('util');
console.log(format('%s:%s', 'a'), format('%d', '0x10'), format('%o', [1, { a: 2 }]), format('no args %s'), format(1, 2, '3'));
console.log(format('%s', null, undefined, Symbol('s')), format('%%s %s', 'x'), format('%c%s', 'css', 'text'));
