/**
 * Hostile programs. Each case states the safe outcome it must reach. "Host" below means the
 * sandbox child's Node realm. A program has its own `process` and `require` (the
 * runtime's, inside the isolate), so escape cases check realm identity instead: a
 * function built from anything the program can touch must see the program's own
 * globalThis, never another one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPool } from './index.ts';
import type { PoolJob } from './pool.ts';
import { collect, type Collected } from './testkit.ts';

interface Case {
  code: string;
  job?: Partial<PoolJob>;
  /** Statuses that count as contained. */
  status: Array<Collected['outcome']['status']>;
  stdout?: string | RegExp;
  error?: RegExp;
}

/** A probe that prints whether a function it was handed reaches the host realm. */
const PROBE = `const reach = (f) => { try { return typeof f.constructor('return typeof process + typeof require')() + (f.constructor('return globalThis')() === globalThis ? '' : ':other-realm') } catch (e) { return 'blocked:' + e.name } };`;

const ESCAPES: Record<string, Case> = {
  'the constructor chain from this': {
    code: `console.log(this.constructor.constructor('return globalThis')() === globalThis, this.constructor.constructor('return process')() === process)`,
    status: ['succeeded'], stdout: 'true true\n',
  },
  'the constructor chain from a function': {
    code: `console.log((() => {}).constructor('return globalThis')() === globalThis)`,
    status: ['succeeded'], stdout: 'true\n',
  },
  'the constructor chain from a caught syntax error': {
    code: `try { eval('(') } catch (e) { console.log(e.constructor.constructor('return globalThis')() === globalThis) }`,
    status: ['succeeded'], stdout: 'true\n',
  },
  'the constructor chain from an error the runtime threw': {
    code: `try { setTimeout('not a function') } catch (e) { console.log(e.code, e.constructor.constructor('return globalThis')() === globalThis) }`,
    status: ['succeeded'], stdout: 'ERR_INVALID_ARG_TYPE true\n',
  },
  'the constructor chain from core modules, require and process': {
    code: `${PROBE} console.log(reach(require), reach(require('events')), reach(require('util').inspect), reach(process.nextTick), reach(process.exit), reach(Buffer.from), reach(process.stdout.write), reach(require('module')._load))`,
    status: ['succeeded'], stdout: 'string string string string string string string string\n',
  },
  'the constructor chain from npm packages': {
    code: `${PROBE} const _ = require('lodash'); const { z } = require('zod'); const { of } = require('rxjs'); console.log(reach(_), reach(_.template), reach(z.string), reach(of), reach(require('immer').produce), reach(require('dayjs')))`,
    status: ['succeeded'], stdout: 'string string string string string string\n',
  },
  'lodash.template compiling code': {
    code: `const t = require('lodash').template('<%= (function () { return typeof process + ":" + (this === globalThis) })() %>'); console.log(t({}))`,
    status: ['succeeded'], stdout: 'object:true\n',
  },
  'a package file or a path by a crafted name': {
    code: `for (const m of ['npm/lodash.js', './npm/lodash.js', 'lodash/../fs', 'lodash/package.json', 'chunk-QQV5IVUW.js', '__proto__', 'constructor', 'hasOwnProperty', 'zod/../../etc/passwd', 'node:zod']) { try { require(m); console.log('LOADED', m) } catch (e) { console.log(e.code) } }`,
    status: ['succeeded'], stdout: `${'MODULE_NOT_FOUND\n'.repeat(9)}ERR_UNKNOWN_BUILTIN_MODULE\n`,
  },
  'a package or core module loaded after eval is replaced (the loader keeps its own, and its require)': {
    code: `let seen = 0; const e = eval; globalThis.eval = (s) => { seen++; return e(s) }; console.log(require('dayjs').unix(0).toISOString(), require('ramda').sum([1, 2]), typeof require('stream').Readable, seen)`,
    status: ['succeeded'], stdout: '1970-01-01T00:00:00.000Z 3 function 0\n',
  },
  'process.binding': {
    code: `try { process.binding('fs') } catch (e) { console.log(e.code, e.message) }; try { process._linkedBinding('x') } catch (e) { console.log(e.code) }`,
    status: ['succeeded'], stdout: /^ERR_PLAYGROUND_UNAVAILABLE process\.binding is not available[^\n]*\nERR_PLAYGROUND_UNAVAILABLE\n$/,
  },
  'process.dlopen': {
    code: `process.dlopen({ exports: {} }, '/usr/lib/x86_64-linux-gnu/libc.so.6')`,
    status: ['failed'], error: /process\.dlopen is not available/,
  },
  'module.constructor._load of a host module': {
    code: `module.constructor._load('child_process')`,
    status: ['failed'], error: /Cannot use 'child_process' in the playground/,
  },
  'require of vm, fs and child_process': {
    code: `for (const m of ['vm', 'node:vm', 'fs', 'child_process', 'worker_threads', 'inspector']) { try { require(m); console.log('LOADED', m) } catch (e) { console.log(e.code) } }`,
    status: ['succeeded'], stdout: 'ERR_PLAYGROUND_UNAVAILABLE\n'.repeat(6),
  },
  'require of names that live on Object.prototype': {
    code: `for (const m of ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'node:__proto__']) { try { console.log(typeof require(m)) } catch (e) { console.log(e.code) } }`,
    // With `node:`, node's own code for a core module that does not exist.
    status: ['succeeded'], stdout: `${'MODULE_NOT_FOUND\n'.repeat(4)}ERR_UNKNOWN_BUILTIN_MODULE\n`,
  },
  'process.getBuiltinModule of host modules': {
    code: `console.log(process.getBuiltinModule('fs'), process.getBuiltinModule('child_process'), typeof process.getBuiltinModule('events'))`,
    status: ['succeeded'], stdout: 'undefined undefined function\n',
  },
  'process.exit inside a finally that loops forever': {
    code: `try { console.log('before'); process.exit(3) } finally { console.log('after'); for (;;) {} }`,
    job: { timeoutMs: 1_000 }, status: ['failed'], stdout: 'before\n', error: /exited with code 3/,
  },
  'process.exit caught and retried in a loop': {
    code: `for (;;) { try { process.exit(0) } catch {} }`,
    job: { timeoutMs: 1_000 }, status: ['succeeded'],
  },
  'process.exit inside a timer, with more timers pending': {
    code: `setTimeout(() => { console.log('timer'); process.exit(5) }, 1); setInterval(() => console.log('never'), 1000)`,
    status: ['failed'], stdout: 'timer\n', error: /exited with code 5/,
  },
  'process.exit from an exit listener': {
    code: `process.on('exit', () => { console.log('listener'); process.exit(9) }); process.exit(2)`,
    status: ['failed'], stdout: 'listener\n', error: /exited with code 9/, // as in node: the listener's exit wins
  },
  'process.exit with a code that is not a number': {
    code: `process.exit({ valueOf() { return 0 } })`,
    status: ['failed'], error: /ERR_INVALID_ARG_TYPE|"code" argument/,
  },
  'replacing eval and Reflect.apply before the first require of a big module': {
    code: `globalThis.eval = () => { throw new Error('hijacked') }; Reflect.apply = null; Function.prototype.call = null; const { Readable } = require('stream'); const z = require('zlib'); console.log(typeof Readable, typeof z.gzipSync)`,
    status: ['succeeded', 'failed'], stdout: /^(function function\n)?$/,
  },
  'replacing Function.prototype.call before the first use of Buffer, process, require and the web globals (the bundle\'s module interop is handed no runtime module and still works)': {
    code: `const got = []; const call = Function.prototype.call; Function.prototype.call = function (...a) { got[got.length] = a[0]; return Reflect.apply(call, this, a) };
      const seen = [typeof Buffer, typeof process.nextTick, typeof require('path').join, typeof Blob, typeof Headers, typeof crypto.subtle.digest];
      Function.prototype.call = call;
      const modules = got.filter((o) => o !== null && typeof o === 'object' && ['lazyModule', 'mainRequire', 'internals', 'loadLib', 'Headers', 'subtle'].some((k) => k in o));
      console.log(seen.join(' '), modules.length)`,
    status: ['succeeded'], stdout: 'function function function function function function 0\n',
  },
  'hash algorithm names that live on Object.prototype': {
    code: `for (const n of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) { try { require('crypto').createHash(n); console.log('made', n) } catch (e) { console.log(e.message) } }`,
    status: ['succeeded'], stdout: 'Digest method not supported\n'.repeat(4),
  },
  'replacing Uint8Array.prototype.set, Array.prototype.push and Object.prototype setters before the first require of crypto (the cipher library sees only the program\'s realm and hands it no runtime internals)': {
    // Everything the hijacks catch is recorded, then checked once the builtins are back:
    // functions must belong to the program's realm, and no object may be the runtime's
    // private handle (output, exit, module texts). The cipher must still be right.
    code: `${PROBE} const seen = []; const add = (x) => { seen[seen.length] = x };
      const set = Uint8Array.prototype.set, push = Array.prototype.push;
      Uint8Array.prototype.set = function (...a) { add(this); add(a[0]); return Reflect.apply(set, this, a) };
      Array.prototype.push = function (...a) { for (const x of a) { add(x); this[this.length] = x } return this.length };
      for (const k of ['exports', 'default', 'module', 'code', 'librarySource', 'ciphers', 'hashes']) Object.defineProperty(Object.prototype, k, { set(v) { add(v); Object.defineProperty(this, k, { value: v, writable: true, configurable: true, enumerable: true }) }, configurable: true });
      const c = require('crypto'); const e = c.createCipheriv('aes-256-gcm', Buffer.alloc(32, 1), Buffer.alloc(12)); const hex = e.update('secret', 'utf8', 'hex') + e.final('hex'); const tag = e.getAuthTag().toString('hex');
      const d = c.createDecipheriv('aes-256-cbc', Buffer.alloc(32, 2), Buffer.alloc(16)); d.update(Buffer.alloc(32)); try { d.final() } catch (err) { add(err) }
      c.scryptSync('p', 's', 8, { N: 16 });
      Uint8Array.prototype.set = set; Array.prototype.push = push; for (const k of ['exports', 'default', 'module', 'code', 'librarySource', 'ciphers', 'hashes']) delete Object.prototype[k];
      const fns = seen.filter((x) => typeof x === 'function'); const objs = seen.filter((x) => x !== null && typeof x === 'object');
      const internal = objs.some((o) => ['librarySource', 'die', 'hooks', 'write', 'timers'].some((k) => Object.hasOwn(o, k)));
      console.log(hex, tag, fns.every((f) => reach(f) === 'string'), internal, reach(c.createCipheriv), reach(e.update), reach(c.getCiphers))`,
    status: ['succeeded'], stdout: 'cc50fbae104f ac77e325bad8741ae7bbe8b8787bd536 true false string string string\n',
  },
  'cipher objects and their errors reach only the program\'s realm': {
    code: `${PROBE} const c = require('crypto'); const e = c.createCipheriv('aes-128-gcm', Buffer.alloc(16), Buffer.alloc(12)); let err; try { c.createDecipheriv('aes-128-gcm', Buffer.alloc(16), Buffer.alloc(12)).setAuthTag(Buffer.alloc(16)).final() } catch (x) { err = x } console.log(reach(e.constructor), reach(Object.getPrototypeOf(Object.getPrototypeOf(e)).on), reach(err.constructor), reach(c.scrypt), Object.keys(e).join())`,
    status: ['succeeded'], stdout: 'string string string string _options\n',
  },
  'an unhandledRejection listener that throws': {
    code: `process.on('unhandledRejection', () => { throw new Error('listener failed') }); Promise.reject(new Error('first'))`,
    status: ['failed'], error: /listener failed/,
  },
  'an unhandledRejection listener that rejects again, forever': {
    code: `let n = 0; process.on('unhandledRejection', () => { n++; Promise.reject(new Error('again ' + n)) }); Promise.reject(new Error('first'))`,
    job: { timeoutMs: 500 }, status: ['timed_out'],
  },
  'an unhandledRejection listener handed a rejection the program built to look like another': {
    code: `const real = new Error('real'); process.on('unhandledRejection', (r) => console.log(r === real, r.message)); Promise.reject(Object.assign(new Error('fake'), { stack: real.stack }))`,
    status: ['succeeded'], stdout: 'false fake\n',
  },
  'an uncaughtException listener that throws': {
    code: `process.on('uncaughtException', () => { throw new Error('listener failed') }); throw new Error('first')`,
    status: ['failed'], error: /listener failed/,
  },
  'internals the runtime keeps to itself': {
    code: `console.log(typeof __playground, typeof __playgroundInspect, typeof __playgroundInternals, typeof __playgroundNodeVersions)`,
    status: ['succeeded'], stdout: 'undefined undefined undefined undefined\n',
  },
  'the constructor chain from console.log and other host-backed functions': {
    code: `${PROBE} console.log(reach(console.log), reach(crypto.getRandomValues), reach(setTimeout), reach(readline))`,
    status: ['succeeded'], stdout: 'string string string string\n',
  },
  'the constructor chain from a host callback result': {
    code: `const a = crypto.getRandomValues(new Uint8Array(4)); console.log(a.constructor.constructor('return globalThis')() === globalThis)`,
    status: ['succeeded'], stdout: 'true\n',
  },
  'prepareStackTrace call sites': {
    code: `Error.prepareStackTrace = (e, sites) => sites.map((s) => { const f = s.getFunction(); const t = s.getThis(); return [f && typeof f.constructor('return typeof process')(), t && typeof t].join('/'); }).join(','); console.log(new Error().stack); setTimeout(() => console.log(new Error().stack))`,
    status: ['succeeded'], stdout: /^[^p]*$/,
  },
  'prepareStackTrace called for runtime errors': {
    code: `let seen = []; Error.prepareStackTrace = (e, sites) => { for (const s of sites) seen.push(String(s.getFileName())); return 'x'; }; try { setTimeout(1) } catch {} ; try { null.x } catch {} ; console.log(seen.every((f) => !/\\//.test(f)))`,
    status: ['succeeded'], stdout: 'true\n',
  },
  'a proxy handed to console.log': {
    code: `${PROBE} const p = new Proxy({}, { get(t, k, r) { if (k === 'x') return 1; return Reflect.get(t, k, r) }, ownKeys() { return ['x'] }, getOwnPropertyDescriptor() { return { value: 1, enumerable: true, configurable: true } } }); console.log(p, reach(() => {}))`,
    status: ['succeeded'], stdout: /string/,
  },
  'a proxy thrown as the error': {
    code: `throw new Proxy(new Error('proxied'), { get(t, k) { if (k === 'stack') throw new Error('trap'); return Reflect.get(t, k) } })`,
    status: ['failed'],
  },
  'a revoked proxy as the completion value': {
    code: `const r = Proxy.revocable({}, {}); r.revoke(); r.proxy`,
    status: ['succeeded', 'failed'],
  },
  'promise species and a hijacked then': {
    code: `class Evil extends Promise { static get [Symbol.species]() { return function (exec) { exec(() => {}, () => {}); } } } Promise.prototype.then = function () { return 'hijacked' }; await null; console.log('after')`,
    status: ['succeeded', 'failed'],
  },
  'a thenable as the completion value': {
    code: `({ then(resolve) { while (true) {} } })`,
    status: ['succeeded'],
  },
  'a custom inspect hook reaching for the host': {
    code: `const o = { [Symbol.for('nodejs.util.inspect.custom')](depth, opts, inspect) { return String(inspect.constructor.constructor('return globalThis')() === globalThis) } }; console.log(o); o`,
    status: ['succeeded'], stdout: 'true\n',
  },
  'a custom inspect hook as the completion value that never returns': {
    code: `({ [Symbol.for('nodejs.util.inspect.custom')]() { while (true) {} } })`,
    job: { timeoutMs: 400 }, status: ['timed_out'],
  },
  'dynamic import of a host module': {
    code: `await import('fs')`,
    status: ['failed'],
  },
  'a static import of a host module': {
    code: `import fs from 'fs'; console.log(fs)`,
    status: ['failed'],
  },
  'eval and new Function reaching another realm': {
    code: `console.log(eval('globalThis') === globalThis, new Function('return process')() === process, (0, eval)('this.process') === process)`,
    status: ['succeeded'], stdout: 'true true true\n',
  },
  'the promise and iterator notes inspect reads are out of the program\'s reach': {
    code: `const p = Promise.resolve(1).then((v) => v); const it = new Map([[1, 2]]).entries(); console.log(Reflect.ownKeys(p).length, Reflect.ownKeys(it).length, Object.getOwnPropertySymbols(Promise.reject(1).catch(() => {})).length, (async () => {})() instanceof Promise, p.constructor === Promise.resolve(2).constructor)`,
    status: ['succeeded'], stdout: '0 0 0 true true\n',
  },
  'inspecting after the program replaced then, entries and forEach': {
    code: `const m = new Map([['a', 1]]); const it = m.entries(); const p = Promise.resolve(7); Promise.prototype.then = () => { throw new Error('hijacked then') }; Map.prototype.forEach = () => { throw new Error('hijacked forEach') }; Map.prototype.entries = null; console.log(it, p)`,
    status: ['succeeded'], stdout: "[Map Entries] { [ 'a', 1 ] } Promise { 7 }\n",
  },
  'a thenable whose then getter throws or counts its reads, resolved and inspected': {
    // The getter runs once, as in node (V8's read); the runtime cannot tell the state
    // without running it again, so the promise shows pending (node: rejected).
    code: `let reads = 0; const t = { get then() { reads++; throw new Error('getter') } }; const p = new Promise((r) => r(t)); p.catch(() => {}); console.log(p, reads)`,
    status: ['succeeded'], stdout: 'Promise { <pending> } 1\n',
  },
  'shared memory is not offered, WebAssembly is': {
    code: `console.log(typeof SharedArrayBuffer, typeof WebAssembly); Atomics.wait(new Int32Array(4), 0, 0, 1000)`,
    status: ['failed'], stdout: 'undefined object\n', error: /TypeError/,
  },
  'an error whose name and message getters throw': {
    code: `const e = new Error('x'); Object.defineProperty(e, 'name', { get() { throw new Error('no name') } }); Object.defineProperty(e, 'message', { get() { throw 1 } }); throw e`,
    status: ['failed'],
  },
  'an error whose stack getter never returns': {
    code: `const e = new Error('x'); Object.defineProperty(e, 'stack', { get() { while (true) {} } }); throw e`,
    job: { timeoutMs: 400 }, status: ['timed_out'],
  },
  'replacing JSON, Array.prototype and the Error constructor before failing': {
    code: `JSON.stringify = () => { throw new Error('hijack') }; Array.prototype.join = () => "x"; Array.prototype.map = null; Object.keys = null; Error = null; console.log({ a: [1, 2] }); throw new TypeError('still reported')`,
    status: ['failed'], stdout: '{ a: [ 1, 2 ] }\n', error: /still reported/,
  },
};

const BOMBS: Record<string, Case> = {
  'a synchronous infinite loop': { code: 'for (;;) {}', job: { timeoutMs: 300 }, status: ['timed_out'] },
  'an infinite microtask loop': { code: 'const f = () => Promise.resolve().then(f); f()', job: { timeoutMs: 300 }, status: ['timed_out'] },
  'an infinite queueMicrotask loop': { code: 'const f = () => queueMicrotask(f); f()', job: { timeoutMs: 300 }, status: ['timed_out'] },
  'a never-resolving await inside a timer': { code: 'setTimeout(async () => { await new Promise(() => {}) }, 1)', status: ['succeeded'] },
  'catastrophic regex backtracking': { code: `/^(a+)+$/.test('a'.repeat(40) + 'b')`, job: { timeoutMs: 300 }, status: ['timed_out'] },
  'string doubling': { code: 'let s = "x"; for (;;) s += s', status: ['failed', 'memory_exceeded'] },
  'heap growth': { code: 'const keep = []; for (;;) keep.push({ a: Math.random(), b: [1, 2, 3] })', job: { memoryMb: 16 }, status: ['memory_exceeded'] },
  'one huge ArrayBuffer': { code: 'new ArrayBuffer(2 ** 32)', status: ['failed', 'memory_exceeded'] },
  'many large ArrayBuffers': { code: 'const keep = []; for (;;) keep.push(new Uint8Array(1e7).fill(1))', job: { memoryMb: 32 }, status: ['failed', 'memory_exceeded'] },
  'deep recursion': { code: 'function f() { return f() + 1 } f()', status: ['failed'], error: /call stack/ },
  'a huge Array.fill past the heap limit': { code: 'new Array(2 ** 26).fill(0)', job: { memoryMb: 16, timeoutMs: 500 }, status: ['memory_exceeded', 'timed_out', 'failed'] },
  'a log flood': { code: 'for (;;) console.log("flood flood flood")', job: { maxOutputBytes: 50_000 }, status: ['output_exceeded'] },
  'an error flood on stderr': { code: 'for (;;) console.error(new Error("e").message)', job: { maxOutputBytes: 50_000 }, status: ['output_exceeded'] },
  'a timer flood': { code: 'for (;;) setTimeout(() => {}, 1e6)', status: ['failed'], error: /Too many pending timers/ },
  'an immediate flood': { code: 'for (;;) setImmediate(() => {})', status: ['failed'], error: /Too many pending timers/ },
  'a zero-delay interval forever': { code: 'setInterval(() => {}, 0)', job: { timeoutMs: 300 }, status: ['timed_out'] },
  'self-rescheduling immediates forever': { code: 'const f = () => setImmediate(f); f()', job: { timeoutMs: 300 }, status: ['timed_out'] },
  'a huge completion value': { code: 'Array.from({ length: 3e5 }, (_, i) => ({ i }))', status: ['succeeded', 'timed_out', 'memory_exceeded'] },
  'breaking Array.prototype.push, which inspect itself uses (as in node)': {
    code: `Array.prototype.push = null; console.log({ a: 1 })`,
    status: ['failed'], error: /push is not a function/,
  },
  'a huge string completion value': { code: '"x".repeat(1e7)', status: ['succeeded'] },
  'a source at the size limit built to be slow to parse': { code: `${'('.repeat(32_000)}1${')'.repeat(32_000)}`, status: ['failed', 'succeeded', 'timed_out'] },
  'module syntax around deeply nested arrays at the size limit': { code: `import 'events';\nexport const x = ${'['.repeat(32_000)}${']'.repeat(32_000)}`, status: ['failed', 'succeeded', 'timed_out'] },
  'deeply nested arrays at the size limit': { code: `${'['.repeat(32_000)}${']'.repeat(32_000)}`, status: ['failed', 'succeeded', 'timed_out'] },
  'a program that prints one gigantic line': { code: 'console.log("y".repeat(1e8))', job: { memoryMb: 256 }, status: ['output_exceeded', 'memory_exceeded', 'failed'] },
  'a nextTick that queues itself forever': { code: 'const f = () => process.nextTick(f); f()', job: { timeoutMs: 300 }, status: ['timed_out'] },
  'an exit listener that never returns': { code: `process.on('exit', () => { for (;;) {} })`, job: { timeoutMs: 300 }, status: ['timed_out'] },
  'a beforeExit listener that always schedules more work': { code: `process.on('beforeExit', () => setTimeout(() => {}, 0))`, job: { timeoutMs: 300 }, status: ['timed_out'] },
  'a stdout.write flood without newlines': { code: 'for (;;) process.stdout.write("xxxxxxxx")', job: { maxOutputBytes: 50_000 }, status: ['output_exceeded'] },
  'randomBytes asking for a gigabyte': { code: `require('crypto').randomBytes(2 ** 30)`, job: { memoryMb: 64 }, status: ['failed', 'memory_exceeded'] },
  'pbkdf2 with ten million iterations': { code: `require('crypto').pbkdf2Sync('a', 'b', 1e7, 32, 'sha256')`, job: { timeoutMs: 300 }, status: ['timed_out'] },
  'hashing a gigabyte': { code: `const h = require('crypto').createHash('sha256'); const chunk = Buffer.alloc(1 << 20); for (let i = 0; i < 1024; i++) h.update(chunk); h.digest('hex')`, job: { timeoutMs: 300 }, status: ['timed_out'] },
  'encrypting a gigabyte with AES-GCM': { code: `const c = require('crypto').createCipheriv('aes-256-gcm', Buffer.alloc(32), Buffer.alloc(12)); const chunk = Buffer.alloc(1 << 20); for (let i = 0; i < 1024; i++) c.update(chunk)`, job: { timeoutMs: 300 }, status: ['timed_out'] },
  'one 48 MB cipher update in a 64 MB run': { code: `require('crypto').createCipheriv('aes-128-ctr', Buffer.alloc(16), Buffer.alloc(16)).update(Buffer.alloc(48 << 20)).length`, job: { memoryMb: 64, timeoutMs: 1_000 }, status: ['failed', 'memory_exceeded', 'timed_out'] },
  'scrypt asked for two gigabytes of memory': { code: `require('crypto').scryptSync('a', 'b', 32, { N: 2 ** 24, r: 1, maxmem: 2 ** 40 })`, job: { memoryMb: 64, timeoutMs: 1_000 }, status: ['failed', 'memory_exceeded', 'timed_out'] },
  'scrypt with a huge parallelization': { code: `require('crypto').scryptSync('a', 'b', 32, { N: 2 ** 14, p: 1000, maxmem: 2 ** 30 })`, job: { timeoutMs: 300 }, status: ['timed_out'] },
  'an uncaughtException listener swallowing errors forever': { code: `process.on('uncaughtException', () => {}); setInterval(() => { throw new Error('again') }, 0)`, job: { timeoutMs: 300 }, status: ['timed_out'] },
  'getRandomValues asking for too much': { code: 'crypto.getRandomValues(new Uint8Array(1e6))', status: ['failed'], error: /QuotaExceededError|exceeds/ },
};

describe('adversarial programs', () => {
  let pool: SandboxPool;
  beforeAll(async () => {
    // One child, so state-leak cases really run one after the other in the same process.
    pool = new SandboxPool({ size: 1, watchdogGraceMs: 300 });
    await pool.start();
  });
  afterAll(() => pool.close());

  const check = (name: string, c: Case) => {
    it(`contains ${name}`, async () => {
      const r = await collect(pool, c.code, { timeoutMs: 2_000, ...c.job });
      expect(c.status).toContain(r.outcome.status);
      if (c.stdout instanceof RegExp) expect(r.stdout).toMatch(c.stdout);
      else if (c.stdout !== undefined) expect(r.stdout).toBe(c.stdout);
      if (c.error) expect(`${r.outcome.error?.name}: ${r.outcome.error?.message}`).toMatch(c.error);
      expect(r.all).not.toMatch(/\bfunction(?:object)?\b.*process|\[object process\]/);
      if (r.outcome.status === 'succeeded' && r.outcome.value !== undefined) expect(r.outcome.value.length).toBeLessThan(200_000);
    });
  };
  for (const [name, c] of Object.entries(ESCAPES)) check(name, c);
  for (const [name, c] of Object.entries(BOMBS)) check(name, c);

  it('does not leak prototype pollution into the next execution', async () => {
    await collect(pool, 'Object.prototype.polluted = "yes"; Array.prototype.map = null; String.prototype.toString = () => "hacked"');
    const r = await collect(pool, 'console.log(({}).polluted, typeof [].map, String("ok"))');
    expect(r.stdout).toBe('undefined function ok\n');
  });

  it('does not leak a polluted core module into the next execution', async () => {
    await collect(pool, `require('path').join = () => 'hacked'; require('events').prototype.emit = () => 'hacked'; Buffer.prototype.toString = () => 'hacked'; process.nextTick = null; require('util').inspect.defaultOptions.depth = 0; Object.prototype.polluted = 1`);
    const r = await collect(pool, `const E = require('events'); const e = new E(); let got = 0; e.on('x', () => got++); e.emit('x'); console.log(require('path').join('a', 'b'), got, Buffer.from('ok').toString(), typeof process.nextTick, ({}).polluted, { a: { b: { c: {} } } })`);
    expect(r.stdout).toBe("a/b 1 ok function undefined { a: { b: { c: {} } } }\n");
  });

  it('does not leak a polluted npm package into the next execution', async () => {
    await collect(pool, `const _ = require('lodash'); _.mixin({ groupBy: () => 'hacked' }); _.VERSION = 'hacked'; require('zod').z.string = null; require('dayjs').prototype.format = () => 'hacked'; require('rxjs').Observable.prototype.pipe = null; Object.prototype.polluted = 1`);
    const r = await collect(pool, `const _ = require('lodash'); const { of, map } = require('rxjs'); of(2).pipe(map((x) => x * 2)).subscribe((x) => console.log(_.VERSION, _.groupBy([1.5], Math.floor), require('zod').z.string().parse('ok'), require('dayjs')(0).format('YYYY'), x, ({}).polluted))`);
    expect(r.stdout).toBe("4.18.1 { '1': [ 1.5 ] } ok 1970 4 undefined\n");
  });

  it('does not hand out bytes a previous execution left in a Buffer', async () => {
    // Node's Buffer.allocUnsafe reuses a shared pool; here each run is a fresh isolate.
    await collect(pool, `const keep = []; for (let i = 0; i < 200; i++) { const b = Buffer.allocUnsafe(4096); b.fill('SECRET'); keep.push(b, Buffer.from('SECRET'.repeat(100))) }`);
    const r = await collect(pool, `let found = 0; for (let i = 0; i < 200; i++) { const b = Buffer.allocUnsafe(4096); if (b.includes('SECRET')) found++; if (Buffer.allocUnsafeSlow(100).includes('SEC')) found++ } console.log(found)`);
    expect(r.stdout).toBe('0\n');
  });

  it('does not leak globals or a replaced console into the next execution', async () => {
    await collect(pool, 'globalThis.leaked = 42; var hoisted = 1; console.log = () => {}; setTimeout = null');
    const r = await collect(pool, 'console.log(typeof leaked, typeof hoisted, typeof setTimeout)');
    expect(r.stdout).toBe('undefined undefined function\n');
  });

  it('does not share random state between executions', async () => {
    const a = await collect(pool, 'console.log(Math.random(), crypto.randomUUID())');
    const b = await collect(pool, 'console.log(Math.random(), crypto.randomUUID())');
    expect(a.stdout).not.toBe(b.stdout);
    expect(a.stdout).toMatch(/^0\.\d+ [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n$/);
  });

  it('contains many hostile programs at once and then still serves hello world', async () => {
    const wide = new SandboxPool({ size: 2, watchdogGraceMs: 300 });
    try {
      await wide.start();
      const bombs = Object.values(BOMBS).slice(0, 10);
      const results = await Promise.all(bombs.map((c) => collect(wide, c.code, { timeoutMs: 1_000, ...c.job })));
      // Side by side on two cores a bomb may also run out of time before it blows up.
      results.forEach((r, i) => expect([...bombs[i]!.status, 'timed_out']).toContain(r.outcome.status));
      const hello = await collect(wide, 'console.log("hello, world")');
      expect(hello.outcome.status).toBe('succeeded');
      expect(hello.stdout).toBe('hello, world\n');
    } finally {
      await wide.close();
    }
  }, 60_000);

  it('still serves hello world after the whole suite', async () => {
    const r = await collect(pool, 'console.log("hello, world")');
    expect(r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe('hello, world\n');
    // Normal latency: the run itself, measured in the child, is a few milliseconds at most.
    expect(r.outcome.cpuMs).toBeLessThan(100);
  });
});
