// nanoid: random ids (length and alphabet), and a custom deterministic generator.
import { nanoid, customAlphabet, customRandom, urlAlphabet } from 'nanoid';

const id = nanoid();
console.log(id.length, /^[A-Za-z0-9_-]+$/.test(id), nanoid(10).length);
const hex = customAlphabet('0123456789abcdef', 12);
console.log(/^[0-9a-f]{12}$/.test(hex()));
let seed = 1;
const rng = (size) => Uint8Array.from({ length: size }, () => (seed = (seed * 48271) % 2147483647) & 255);
const deterministic = customRandom(urlAlphabet, 8, rng);
console.log(deterministic(), deterministic());
