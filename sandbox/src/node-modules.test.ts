/**
 * The Node surface of the runtime (runtime/): which core modules a program can require and
 * how, what a host module's require says, and how process.exit reaches the outcome.
 * Output fidelity against node itself is corpus.test.ts's job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPool } from './index.ts';
import { collect } from './testkit.ts';

const AVAILABLE = [
  'assert', 'assert/strict', 'buffer', 'console', 'crypto', 'events', 'module', 'os', 'path', 'path/posix', 'perf_hooks',
  'process', 'punycode', 'querystring', 'readline', 'readline/promises', 'stream', 'stream/promises', 'string_decoder',
  'timers', 'timers/promises', 'url', 'util', 'util/types', 'zlib',
];
const HOST = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'child_process', 'worker_threads', 'cluster', 'dgram', 'dns', 'tls', 'vm', 'v8', 'inspector', 'repl'];

describe('node core modules in the sandbox', () => {
  let pool: SandboxPool;
  beforeAll(async () => {
    pool = new SandboxPool({ size: 1 });
    await pool.start();
  });
  afterAll(() => pool.close());

  it('loads every available core module by its bare name and with node:, as one object', async () => {
    const r = await collect(pool, `for (const m of ${JSON.stringify(AVAILABLE)}) { const a = require(m); const b = require('node:' + m); console.log(m, a === b && a !== undefined && a !== null) }`);
    expect(r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe(AVAILABLE.map((m) => `${m} true\n`).join(''));
  });

  it('gives CommonJS default exports the shape node gives them', async () => {
    const r = await collect(pool, [
      `const E = require('events'); console.log(typeof E, E.EventEmitter === E, typeof E.once)`,
      `const assert = require('assert'); console.log(typeof assert, assert.strict === require('assert/strict'), typeof assert.AssertionError)`,
      `console.log(require('buffer').Buffer === Buffer, typeof require('stream').Readable, typeof require('stream/promises').pipeline)`,
      `console.log(require('util').inspect(new Set([1])), require('util').format('%i|%j', 4.5, { a: 1 }), require('url').URL === URL)`,
      `console.log(require('process') === process, require('console') === console, require('timers').setTimeout === setTimeout)`,
    ].join('\n'));
    expect(r.stdout).toBe([
      'function true function',
      'function true function',
      'true function function',
      'Set(1) { 1 } 4|{"a":1} true',
      'true true true',
      '',
    ].join('\n'));
  });

  it('refuses each host module at the require, naming it and what the playground offers', async () => {
    const r = await collect(pool, `for (const m of ${JSON.stringify(HOST)}) { try { require(m); console.log('LOADED', m) } catch (e) { console.log(e.code, e.message) } }`);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(HOST.length);
    lines.forEach((line, i) => {
      expect(line).toMatch(new RegExp(`^ERR_PLAYGROUND_UNAVAILABLE Cannot use '${HOST[i]}' in the playground: `));
    });
    expect(lines[0]).toMatch(/no file system; read input from stdin/);
  });

  it('fails an unknown package listing what is available, and a relative path saying a program is one file', async () => {
    const r = await collect(pool, `try { require('axios') } catch (e) { console.log(e.code, e.message) } try { require('./lib.js') } catch (e) { console.log(e.code, e.message) } require('left-pad')`);
    expect(r.stdout).toMatch(/^MODULE_NOT_FOUND Cannot find module 'axios': it is not one of the npm packages the playground includes, and nothing is installed at run time\. Packages: chalk 6\.0\.1, .*lodash 4\.18\.1, .*zod 4\.6\.7\. Node core modules: assert, assert\/strict, buffer, .*zlib\.\n/);
    expect(r.stdout).toMatch(/\nMODULE_NOT_FOUND Cannot find module '\.\/lib\.js': a program is one file \(main\.js\)/);
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.error?.message).toMatch(/^Cannot find module 'left-pad'/);
    expect(r.outcome.error?.line).toBe(1);
  });

  it('treats test, sqlite and sea as core modules only with the node: prefix', async () => {
    const r = await collect(pool, `for (const m of ['test', 'node:test', 'sqlite', 'node:sqlite']) { try { require(m) } catch (e) { console.log(e.code) } }`);
    expect(r.stdout).toBe('MODULE_NOT_FOUND\nERR_PLAYGROUND_UNAVAILABLE\nMODULE_NOT_FOUND\nERR_PLAYGROUND_UNAVAILABLE\n');
  });

  it('runs main.js with the CommonJS names node gives it and keeps the completion value', async () => {
    const r = await collect(pool, `module.exports.x = 1; console.log(__filename, __dirname, exports === module.exports, require.main === module, process.argv.slice(1)); 6 * 7`);
    expect(r.stdout).toBe("/main.js / true true [ '/main.js' ]\n");
    expect(r.outcome.value).toBe('42');
  });

  it('lets a program shadow require and module with its own declarations', async () => {
    const r = await collect(pool, `const require = (m) => 'mine:' + m; let module = 'm'; console.log(require('fs'), module)`);
    expect(r.stdout).toBe('mine:fs m\n');
  });

  it('evaluates no core module, nor process, for hello world', async () => {
    // Each global stays an accessor until something reads it, which evaluates its module.
    const names = ['Buffer', 'process', 'require', 'module', 'EventTarget', 'AbortController', 'navigator'];
    const r = await collect(pool, `console.log('hello'); console.log(${JSON.stringify(names)}.map((n) => typeof Object.getOwnPropertyDescriptor(globalThis, n).get).join(' '))`);
    expect(r.stdout).toBe(`hello\n${names.map(() => 'function').join(' ')}\n`);
  });

  it('keeps exports the first module.exports object, as node does', async () => {
    const r = await collect(pool, `const first = module.exports; module.exports = { replaced: true }; console.log(exports === first, module.exports.replaced)`);
    expect(r.stdout).toBe('true true\n');
  });

  it('lets a program replace a lazy global before it was ever read', async () => {
    const r = await collect(pool, `process = 'mine'; Buffer = 1; var EventTarget = 2; console.log(process, Buffer, EventTarget, typeof require('buffer').Buffer)`);
    expect(r.stdout).toBe('mine 1 2 function\n');
  });

  it('reports process.exit codes and process.exitCode in the outcome', async () => {
    const zero = await collect(pool, `console.log('a'); process.exit(); console.log('b')`);
    expect(zero.outcome).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(zero.stdout).toBe('a\n');
    const three = await collect(pool, `setTimeout(() => process.exit(3), 1)`);
    expect(three.outcome).toMatchObject({ status: 'failed', exitCode: 3, error: { name: 'ExitCode', message: 'The program exited with code 3.' } });
    const code = await collect(pool, `process.exitCode = 4; console.log('done')`);
    expect(code.outcome).toMatchObject({ status: 'failed', exitCode: 4 });
    expect(code.stdout).toBe('done\n');
    const plain = await collect(pool, `console.log('ok')`);
    expect(plain.outcome.exitCode).toBeUndefined();
  });

  it('delivers output printed before process.exit, and none after it', async () => {
    const r = await collect(pool, `process.stdout.write('partial'); console.error('err'); try { process.exit(1) } finally { console.log('finally') }`);
    expect(r.stdout).toBe('partial');
    expect(r.stderr).toBe('err\n');
    expect(r.outcome.exitCode).toBe(1);
  });

  it('keeps process.env, argv and versions plausible and free of host facts', async () => {
    const r = await collect(pool, `console.log(JSON.stringify(process.env), process.cwd(), process.platform, process.pid, require('os').hostname(), require('os').cpus().length, process.version === 'v' + process.versions.node)`);
    expect(r.stdout).toBe('{} / linux 1 playground 1 true\n');
  });
});
