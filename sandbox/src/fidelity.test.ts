/**
 * Output fidelity: every snippet runs in the playground and in a real `node` process, and
 * stdout and stderr must be byte-identical. Snippets that may differ are listed in
 * KNOWN_DIFFERENCES with the reason, and are checked against our own expectation instead.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPool } from './index.ts';
import { collect } from './testkit.ts';

const NODE = join(import.meta.dirname, '../../node_modules/.bin/node');

export const SNIPPETS: Record<string, string> = {
  'strings and numbers': `console.log('a', 1, -0, 0.1 + 0.2, 1e21, NaN, -Infinity)`,
  'bigint and symbols': `console.log(10n, -5n, Symbol('s'), Symbol(), Symbol.iterator)`,
  'null and undefined': `console.log(null, undefined, [null, undefined])`,
  'booleans and boxed primitives': `console.log(true, new Boolean(false), new Number(3), new String('ab'), Object(1n))`,
  'nested objects': `console.log({ a: 1, b: 'two', c: [3, { d: 4 }], e: { f: { g: { h: { i: 1 } } } } })`,
  'arrays past 100 items': `console.log(Array.from({ length: 120 }, (_, i) => i))`,
  'sparse arrays': `console.log([1, , 3], new Array(5), [, , 1, , ,])`,
  'array with extra properties': `const a = [1, 2]; a.extra = true; console.log(a)`,
  'long arrays break lines': `console.log(Array.from({ length: 30 }, (_, i) => 'item' + i))`,
  'maps and sets': `console.log(new Map([[1, { a: 1 }], ['k', [1, 2]]]), new Set([1, 'a', [2]]))`,
  'empty collections': `console.log({}, [], new Map(), new Set(), Object.create(null))`,
  'weak collections': `console.log(new WeakMap(), new WeakSet())`,
  'typed arrays and buffers': `console.log(new Uint8Array([1, 2, 3]), new Float64Array(2), new ArrayBuffer(4), new DataView(new ArrayBuffer(2)))`,
  'dates': `console.log(new Date(0), new Date('invalid'), [new Date(86400000)])`,
  'regular expressions': `console.log(/ab+c/gi, new RegExp('x/y'), [/a/])`,
  'functions and classes': `function named() {} class A {} class B extends A {} console.log(named, () => {}, A, B, async function af() {}, function* gen() {})`,
  'anonymous function and class': `console.log([function () {}, class {}])`,
  'class instances': `class Point { constructor(x, y) { this.x = x; this.y = y; } } console.log(new Point(1, 2), [new Point(3, 4)])`,
  'null prototype objects': `const o = Object.create(null); o.a = 1; console.log(o)`,
  'getters and setters': `console.log({ get a() { return 1; }, set b(v) {}, get c() { return 2; }, set c(v) {} })`,
  'circular references': `const o = { name: 'o' }; o.self = o; o.list = [o]; console.log(o)`,
  'nested depth is cut at 2': `console.log({ l1: { l2: { l3: { l4: 'deep' } } } }, [[[[['deep']]]]])`,
  'symbols as keys': `console.log({ [Symbol('k')]: 1, normal: 2 })`,
  'quoted keys': `console.log({ 'a-b': 1, 'valid_id': 2, '3d': 3, '': 4 })`,
  'strings inside objects use single quotes': `console.log({ s: "it's", t: 'say "hi"', u: \`both ' and "\` })`,
  'multi-line strings in arrays': `console.log(['line1\\nline2', 'tab\\there'])`,
  'long strings in objects': `console.log({ text: 'x'.repeat(200) })`,
  'objects that break lines': `console.log({ alpha: 'aaaaaaaaaaaaaaaa', beta: 'bbbbbbbbbbbbbbbbbb', gamma: 'cccccccccccccccccccc', delta: 1 })`,
  'errors without stacks': `const e = new TypeError('bad'); e.stack = undefined; console.log(String(e)); const f = new Error('x'); console.log(f.message, f.name)`,
  'error properties in objects': `const e = new RangeError('r'); console.log({ name: e.name, message: e.message })`,
  'boxed string with props': `const s = new String('hi'); s.x = 1; console.log(s)`,
  'format %s': `console.log('%s is %s', 'x', 42, 'extra')`,
  'format %d %i %f': `console.log('%d %i %f', '42.5', 42.9, '3.25', 10n)`,
  'format %j': `console.log('%j', { a: [1, 'b'] })`,
  'format %o and %O': `console.log('%o', { a: 1 }); console.log('%O', { b: [1] })`,
  'format %c is dropped': `console.log('%cred%c plain', 'color: red', '')`,
  'format %% and missing arguments': `console.log('100%% sure %s %d')`,
  'format with object first': `console.log({ a: 1 }, '%s', 'x')`,
  'console.error and warn go to stderr': `console.log('out'); console.error('err', { a: 1 }); console.warn('warn')`,
  'console.info and debug go to stdout': `console.info('info'); console.debug('debug')`,
  'console.dir ignores custom inspect': `console.dir({ a: { b: { c: { d: 1 } } } }, { depth: 0 })`,
  'console.assert': `console.assert(true, 'no'); console.assert(false, 'failed %s', 'here'); console.assert(false); console.assert(0, { a: 1 })`,
  'console.count': `console.count(); console.count('x'); console.count(); console.countReset(); console.count()`,
  'console.group indents': `console.log('top'); console.group('G1'); console.log('in 1'); console.group(); console.log('in 2\\nsecond line'); console.groupEnd(); console.error('back to 1'); console.groupEnd(); console.log('top again')`,
  'console.table of objects': `console.table([{ a: 1, b: 'x' }, { a: 2, c: true }])`,
  'console.table of primitives': `console.table([1, 'two', null])`,
  'console.table of a map': `console.table(new Map([['k', { v: 1 }], ['j', 2]]))`,
  'console.table with columns': `console.table([{ a: 1, b: 2 }, { a: 3, b: 4 }], ['b'])`,
  'console.table of non-objects': `console.table(5); console.table('text')`,
  'console.table with wide characters': `console.table([{ word: '漢字', other: 'é' }])`,
  'timers order': `setTimeout(() => console.log('timeout 20'), 20); setTimeout(() => console.log('timeout 1'), 1); console.log('sync')`,
  'microtasks before timers': `setTimeout(() => console.log('timeout')); Promise.resolve().then(() => console.log('micro')); queueMicrotask(() => console.log('queued')); console.log('sync')`,
  'microtasks between timer callbacks': `setTimeout(() => { console.log('t1'); Promise.resolve().then(() => console.log('p1')); }); setTimeout(() => console.log('t2'))`,
  'setImmediate after microtasks': `setImmediate(() => console.log('immediate')); Promise.resolve().then(() => console.log('promise')); console.log('sync')`,
  'setInterval and clearInterval': `let n = 0; const id = setInterval(() => { console.log('tick', ++n); if (n === 3) clearInterval(id); }, 1)`,
  'clearTimeout cancels': `const t = setTimeout(() => console.log('never'), 5); clearTimeout(t); console.log('done')`,
  'timer arguments': `setTimeout((a, b) => console.log(a + b), 1, 2, 3)`,
  'async functions and await': `async function f() { await null; console.log('f after await'); return 1; } f().then((v) => console.log('resolved', v)); console.log('sync')`,
  'promise chains': `Promise.resolve(1).then((v) => v + 1).then((v) => { console.log(v); throw new Error('x'); }).catch((e) => console.log('caught', e.message)).finally(() => console.log('finally'))`,
  'top-level await': `const v = await new Promise((r) => setTimeout(() => r('waited'), 5)); console.log(v)`,
  'promise combinators': `Promise.all([1, Promise.resolve(2)]).then((v) => console.log(v)); Promise.allSettled([Promise.reject(new Error('no'))]).then((r) => console.log(r[0].status, r[0].reason.message)); Promise.race([new Promise((r) => setTimeout(r, 5, 'slow')), 'fast']).then(console.log)`,
  'generators and iterators': `function* g() { yield 1; yield 2; } console.log([...g()], Array.from(new Map([[1, 2]]).keys()))`,
  'JSON round trip': `console.log(JSON.stringify({ a: [1, { b: 2 }] }, null, 2))`,
  'string escapes in inspect': `console.log(['\\x00', '\\u001b[31m', '\\\\', "'"])`,
  'unicode strings': `console.log('héllo wörld ✓ 😀', ['漢字'])`,
  'numbers in arrays and objects': `console.log([0.1, -0, 1e-7, 2 ** 53], { n: -0 })`,
  'object with many keys breaks lines': `const o = {}; for (let i = 0; i < 30; i++) o['key' + i] = i; console.log(o)`,
  'nested arrays of objects': `console.log([{ id: 1, tags: ['a', 'b'] }, { id: 2, tags: [] }])`,
  'inspect of global builtins': `console.log(Math.max, JSON, Math.PI, [parseInt])`,
  'structuredClone output': `console.log(structuredClone({ a: new Map([[1, [2]]]), d: new Date(0), r: /x/g }))`,
  'TextEncoder and TextDecoder': `const bytes = new TextEncoder().encode('€uro'); console.log(bytes, new TextDecoder().decode(bytes))`,
  'atob and btoa': `console.log(btoa('hi there'), atob('aGkgdGhlcmU='))`,
  'URL and URLSearchParams': `const u = new URL('/path/../x?a=1&b=two words#h', 'https://example.org'); console.log(u.href, u.searchParams.get('b'), String(new URLSearchParams({ q: 'a&b', n: 1 })))`,
  'URL inspect': `console.log(new URL('http://user@host:8080/p?q=1#f'))`,
  'labelled timeLog with missing label': `console.log(typeof console.time, typeof console.timeEnd)`,
  'class with static and private members': `class C { static s = 1; #p = 2; pub = 3; } console.log(new C(), C.s)`,
  'symbol description and toString': `const s = Symbol('desc'); console.log(s.description, s.toString(), [s])`,
  'object spread and destructuring': `const { a, ...rest } = { a: 1, b: 2, c: 3 }; console.log(a, rest, [...'abc'])`,
  'label-less format of only objects': `console.log([1, [2, [3, [4, [5]]]]])`,
  'arguments object': `(function () { console.log(arguments); })(1, 'a')`,
  'frozen and sealed objects': `console.log(Object.freeze({ a: 1 }), Object.seal([1]))`,
  'negative zero and big numbers formatting': `console.log(-0, [-0], 123456789012345680000, 0.000001, 1e-7)`,
  'settled and pending promises': `console.log(Promise.resolve(1), new Promise(() => {}), new Promise((r) => r({ a: [1] })), [Promise.resolve('x')])`,
  'a rejected promise that is handled': `const p = Promise.reject(3); p.catch(() => {}); console.log(p, Promise.reject(new RangeError('r')).catch((e) => e.message))`,
  'promises after then, catch and finally settle': `const a = Promise.resolve(1).then((v) => v + 1); const b = Promise.reject(2).catch((e) => e * 10); const c = a.finally(() => {}); setTimeout(() => console.log(a, b, c))`,
  'map and set iterators': `const m = new Map([[1, 2], ['k', { v: [1] }]]); const s = new Set(['a', 2]); console.log(m.entries(), m.keys(), m.values(), m[Symbol.iterator](), s.values(), s.entries(), s.keys(), s[Symbol.iterator]())`,
  'iterators inside objects and empty ones': `console.log({ it: new Map([[1, 2]]).entries() }, [new Set([1]).values()], new Map().keys(), new Set().entries())`,
};

/**
 * Snippets whose Node output cannot be reproduced exactly, with why. They run too, and
 * must print what `ours` matches.
 */
export const KNOWN_DIFFERENCES: Record<string, { code: string; reason: string; ours: RegExp }> = {
  'an async function\'s settled promise': {
    code: 'async function f() { return 1 } console.log(f())',
    reason: 'An async function\'s promise is made inside V8, where the runtime cannot see it settle; it prints as pending (node: "Promise { 1 }").',
    ours: /^Promise \{ <pending> \}\n$/,
  },
  'a partly consumed iterator': {
    code: "const it = new Map([['a', 1], ['b', 2]]).keys(); it.next(); console.log(it)",
    reason: 'An iterator\'s position is V8\'s: the preview lists every entry of its collection (node: "[Map Iterator] { \'b\' }").',
    ours: /^\[Map Iterator\] \{ 'a', 'b' \}\n$/,
  },
  'error with a stack': {
    code: "console.log(new Error('x'))",
    reason: 'Stack frames name files: node shows its own path and module-loader frames, the playground shows main.js.',
    ours: /^Error: x\n    at main\.js:1:13\n$/,
  },
  'top-level this': {
    code: 'console.log(this === globalThis)',
    reason: 'Node wraps a CommonJS file in a function whose `this` is module.exports; the playground runs a script, whose `this` is the global.',
    ours: /^true\n$/,
  },
};

function runNode(dir: string, name: string, code: string): Promise<{ stdout: string; stderr: string }> {
  const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '_')}.js`);
  writeFileSync(file, code);
  return new Promise((resolve, reject) => {
    execFile(NODE, [file], { cwd: dir, env: {}, timeout: 10_000 }, (err, stdout, stderr) => {
      if (err && err.killed) reject(err);
      else resolve({ stdout, stderr });
    });
  });
}

async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

describe('output fidelity against node', () => {
  let pool: SandboxPool;
  let dir: string;
  const expected = new Map<string, { stdout: string; stderr: string }>();

  beforeAll(async () => {
    pool = new SandboxPool({ size: 2 });
    dir = mkdtempSync(join(tmpdir(), 'fidelity-'));
    const names = Object.keys(SNIPPETS);
    const results = await inBatches(names, 4, (name) => runNode(dir, name, SNIPPETS[name]!));
    names.forEach((name, i) => expected.set(name, results[i]!));
    await pool.start();
  }, 120_000);

  afterAll(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has at least 60 snippets', () => {
    expect(Object.keys(SNIPPETS).length).toBeGreaterThanOrEqual(60);
  });

  for (const [name, { code, ours: pattern }] of Object.entries(KNOWN_DIFFERENCES)) {
    it(`prints ${name} in its documented, different way`, async () => {
      const ours = await collect(pool, code);
      expect(ours.stdout).toMatch(pattern);
    });
  }

  for (const [name, code] of Object.entries(SNIPPETS)) {
    it(`prints ${name} exactly as node does`, async () => {
      const ours = await collect(pool, code);
      expect(ours.outcome.status).toBe('succeeded');
      const theirs = expected.get(name)!;
      expect(ours.stdout).toBe(theirs.stdout);
      expect(ours.stderr).toBe(theirs.stderr);
    });
  }
});
