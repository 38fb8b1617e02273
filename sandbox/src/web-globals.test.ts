/**
 * The web globals Node has beyond the prelude's: crypto.subtle, Blob/File, the fetch
 * classes and MessageChannel. What the playground refuses (and how it says so), and that
 * a program which hijacked built-ins before their first use gets no runtime internals.
 * Output identical to node's is the corpus's job (corpus/globals, corpus/crypto).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPool } from './index.ts';
import { collect } from './testkit.ts';

/** Prints whether anything the program could collect is a runtime internal. */
const LEAK_CHECK = `const leaked = [...seen].filter((v) => v && (typeof v === 'object' || typeof v === 'function') && ('librarySource' in v || 'hooks' in v || 'timers' in v && 'die' in v || 'loadLib' in v || 'requireFile' in v)); console.log('leaked', leaked.length)`;

describe('web globals in the sandbox', () => {
  let pool: SandboxPool;
  beforeAll(async () => {
    pool = new SandboxPool({ size: 1 });
    await pool.start();
  });
  afterAll(() => pool.close());

  it('rejects every SubtleCrypto method but digest with a NotSupportedError that names what is available', async () => {
    const r = await collect(pool, `for (const m of ['encrypt', 'sign', 'importKey', 'generateKey', 'deriveBits']) { try { await crypto.subtle[m]({ name: 'AES-GCM' }) } catch (e) { console.log(m, e.name, e instanceof DOMException, e.message) } }`);
    expect(r.outcome.status).toBe('succeeded');
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(/^\w+ NotSupportedError true crypto\.subtle\.\w+ is not available in the playground yet; crypto\.subtle\.digest \(SHA-1, SHA-256, SHA-384, SHA-512\) is/);
  });

  it('keeps require(\'crypto\').webcrypto the real one when the program replaced the crypto global first', async () => {
    const r = await collect(pool, `globalThis.crypto = { fake: true }; const c = require('crypto'); console.log(c.webcrypto.fake, typeof c.webcrypto.getRandomValues, c.subtle === c.webcrypto.subtle, Buffer.from(await c.subtle.digest('SHA-1', new Uint8Array(0))).toString('hex'))`);
    expect(r.stdout).toBe('undefined function true da39a3ee5e6b4b0d3255bfef95601890afd80709\n');
  });

  it('hands a program that hijacked Uint8Array, Promise and Object.prototype setters before its first digest no runtime internals', async () => {
    const r = await collect(pool, `const seen = new Set(); const add = (v) => { try { seen.add(v) } catch {} };
      const slice = Uint8Array.prototype.slice; Uint8Array.prototype.slice = function (...a) { add(this); return Reflect.apply(slice, this, a) };
      const then = Promise.prototype.then; Promise.prototype.then = function (...a) { add(this); return Reflect.apply(then, this, a) };
      Promise.resolve = (v) => { add(v); return 'hijacked' }; Promise.reject = (v) => { add(v); return 'hijacked' };
      String.prototype.toUpperCase = () => 'SHA-256';
      for (const k of ['exports', 'default', 'hashes', 'subtle', 'hashFor']) Object.defineProperty(Object.prototype, k, { set(v) { add(v); Object.defineProperty(this, k, { value: v, writable: true, configurable: true }) }, configurable: true });
      const d = crypto.subtle.digest('SHA-1', new Uint8Array(0)); console.log(typeof d.then, d === 'hijacked');
      const out = await d; console.log(Buffer.from(out).toString('hex'));
      ${LEAK_CHECK}`);
    expect(r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe('function false\nda39a3ee5e6b4b0d3255bfef95601890afd80709\nleaked 0\n');
  });
});
