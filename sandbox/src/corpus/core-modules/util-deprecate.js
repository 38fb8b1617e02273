const util = require('util');
const old = util.deprecate(() => 'result', 'old() is deprecated', 'DEP_PLAY1');
console.log(old(), old());
