// Blob and File the way web-style code uses them: build from strings and bytes, read back.
const blob = new Blob(['héllo ', new Uint8Array([119, 111]), new Blob(['rld'])], { type: 'Text/Plain' });
console.log(blob, blob.size, blob.type, String(blob), blob instanceof Blob);

const file = new File(['{"a":1}'], 'data.json', { type: 'application/json', lastModified: 1700000000000 });
console.log(file, file.name, file.lastModified, file instanceof Blob, file instanceof File);
console.log(new Blob(), new Blob([1, null, true]).size, new Blob([], { type: 'é' }).type, new Blob(['\ud800']).size);

console.log(blob.slice(1, -1).size, blob.slice(-3).size, blob.slice(2, 1).size, blob.slice(0, 1, 'X/Y').type);
for (const bad of [5, 'abc', {}, null]) {
  try { new Blob(bad); } catch (e) { console.log(e.name, e.code, e.message); }
}
try { new File(['a']); } catch (e) { console.log(e.name, e.code, e.message); }
try { Blob.prototype.size; } catch (e) { console.log(e.name, e.code, e.message); }

async function main() {
  console.log(await blob.text());
  console.log(await blob.slice(7).bytes());
  const ab = await blob.arrayBuffer();
  console.log(ab instanceof ArrayBuffer, ab.byteLength, Buffer.from(ab).toString());
  console.log(JSON.parse(await file.text()).a, await new Blob([new Uint16Array([1, 2])]).bytes());
  const { Blob: B, File: F } = require('buffer');
  console.log(B === Blob, F === File);
  await Blob.prototype.text.call({}).catch((e) => console.log(e.name, e.code, e.message));
  const src = new Uint8Array([1, 2, 3]);
  const copy = new Blob([src]);
  src[0] = 9;
  console.log((await copy.bytes())[0], Object.prototype.toString.call(file));
}
main();
