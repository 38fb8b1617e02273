// Errors thrown by packages print as node prints them.
const { z } = require('zod');
const YAML = require('yaml');
const { of, map } = require('rxjs');

try {
  YAML.parse('a: b: c');
} catch (e) {
  console.log(e.name, e.code);
}
of(1).pipe(map(() => { throw new TypeError('bad value'); })).subscribe({ error: (e) => console.log('rx error:', e.message) });
const r = z.string().safeParse(42);
console.log(r.error.issues);
console.log(typeof require.resolve, require('lodash').VERSION);
