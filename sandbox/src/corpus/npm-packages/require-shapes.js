// What require returns for each package: a function, a namespace-like object, ...
for (const name of ['lodash', 'ramda', 'dayjs', 'zod', 'rxjs', 'immer', 'uuid', 'yaml', 'date-fns']) {
  const m = require(name);
  console.log(name, typeof m, typeof m === 'function' ? m.name : Object.keys(m).length > 10);
}
console.log(require('lodash') === require('lodash'), require('rxjs').Observable === require('rxjs/operators').map(() => 1)(require('rxjs').of(1)).constructor);
