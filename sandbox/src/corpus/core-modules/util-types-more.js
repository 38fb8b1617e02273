const { types } = require('node:util');
console.log(types.isArrayBuffer(new ArrayBuffer(1)), types.isUint8Array(Buffer.alloc(1)), types.isNativeError(new TypeError()));
console.log(types.isBoxedPrimitive(Object(1)), types.isWeakMap(new WeakMap()), types.isDataView(new DataView(new ArrayBuffer(1))));
