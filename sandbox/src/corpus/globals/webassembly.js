// A small WebAssembly module, as bytes: (func (export "add") (param i32 i32) (result i32)
// (i32.add (local.get 0) (local.get 1))), used the ways tutorials use it.
const bytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, // type: (i32, i32) -> i32
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, // export "add"
  0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, // local.get 0, local.get 1, i32.add
]);

console.log(typeof WebAssembly, WebAssembly.validate(bytes), WebAssembly.validate(new Uint8Array([1, 2, 3])));
const module = new WebAssembly.Module(bytes);
console.log(module, WebAssembly.Module.exports(module), WebAssembly.Module.imports(module));
const instance = new WebAssembly.Instance(module);
console.log(instance.exports.add(2, 3), instance.exports.add(2 ** 31 - 1, 1), typeof instance.exports.add);

const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
new Uint8Array(memory.buffer).set([1, 2, 3]);
console.log(memory.buffer.byteLength, memory.grow(1), memory.buffer.byteLength, new Uint8Array(memory.buffer).slice(0, 4));
try {
  memory.grow(10);
} catch (e) {
  console.log(e.name, e.message);
}
try {
  new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0]));
} catch (e) {
  console.log(e instanceof WebAssembly.CompileError, e.message);
}

WebAssembly.instantiate(bytes).then(({ module, instance }) => {
  console.log('async', module instanceof WebAssembly.Module, instance.exports.add(40, 2));
});
