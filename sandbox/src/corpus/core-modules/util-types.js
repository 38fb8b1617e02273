const { types } = require('util');
console.log(types.isPromise(Promise.resolve()), types.isDate(new Date()), types.isRegExp(/x/));
console.log(types.isMap(new Map()), types.isSet(new Set()), types.isTypedArray(new Uint8Array()));
console.log(types.isAsyncFunction(async () => {}), types.isGeneratorFunction(function* () {}));
console.log(require('util/types') === types);
