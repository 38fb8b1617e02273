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
const LEAK_CHECK = `const own = (v, k) => Object.prototype.hasOwnProperty.call(v, k); const leaked = [...seen].filter((v) => v && (typeof v === 'object' || typeof v === 'function') && ['librarySource', 'hooks', 'die', 'loadLib', 'requireFile', 'poll', 'pollState', 'lazyModule', 'primordials'].some((k) => own(v, k)) || v && typeof v === 'object' && own(v, 'port') && own(v, 'close')); console.log('leaked', leaked.length)`;

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

  it('copies a Blob\'s bytes in and out, so neither the source array nor a read result can change the Blob', async () => {
    const r = await collect(pool, `const src = new Uint8Array([1, 2, 3]); const b = new Blob([src]); src[0] = 9; const out = await b.bytes(); out[1] = 9; (await b.arrayBuffer()); console.log([...await b.bytes()].join(','), b.slice(1).size)`);
    expect(r.stdout).toBe('1,2,3 2\n');
  });

  it('hands a program that hijacked typed arrays, TextEncoder, Promise and Object.prototype setters before its first Blob no runtime internals', async () => {
    const r = await collect(pool, `const seen = new Set(); const add = (v) => { try { seen.add(v) } catch {} };
      for (const [o, k] of [[Uint8Array.prototype, 'slice'], [Uint8Array.prototype, 'set'], [TextEncoder.prototype, 'encode'], [TextDecoder.prototype, 'decode'], [Array.prototype, 'push']]) { const f = o[k]; o[k] = function (...a) { add(this); for (let i = 0; i < a.length; i++) add(a[i]); return Reflect.apply(f, this, a) } }
      Promise.resolve = (v) => { add(v); return 'hijacked' };
      for (const k of ['Blob', 'File', 'exports', 'bytes']) Object.defineProperty(Object.prototype, k, { set(v) { add(v); Object.defineProperty(this, k, { value: v, writable: true, configurable: true }) }, configurable: true });
      const b = new Blob(['hi', new Uint8Array([33])]); const t = b.text(); console.log(t === 'hijacked', b.size, require('buffer').Blob === Blob);
      console.log(await t);
      ${LEAK_CHECK}`);
    expect(r.outcome.error?.message ?? r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe('false 3 true\nhi!\nleaked 0\n');
  });

  it('rejects fetch with a TypeError that says the playground has no network and where data can come from instead', async () => {
    const r = await collect(pool, `try { await fetch('https://example.com/data.json') } catch (e) { console.log(e instanceof TypeError, e.code, e.message) }
      await fetch('/relative').catch((e) => console.log(e.name, e.message));
      const ac = new AbortController(); ac.abort(); await fetch('https://x.test', { signal: ac.signal }).catch((e) => console.log(e.name));
      const p = fetch(new Request('https://x.test/', { method: 'POST', body: 'x' })); console.log(p instanceof Promise); await p.catch(() => {})`);
    expect(r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe([
      'true ERR_PLAYGROUND_UNAVAILABLE fetch failed: https://example.com/data.json: the playground has no network access, so a program cannot download anything. Put the data in the program itself (a string, or new Response(text) to keep fetch-style code), or pass it as stdin and read it with process.stdin, readline or the stdin global.',
      'TypeError Failed to parse URL from /relative',
      'AbortError',
      'true',
      '',
    ].join('\n'));
  });

  it('says a Response body is no stream when a program reads res.body, and what to call instead', async () => {
    const r = await collect(pool, `console.log(new Response(null).body); try { new Response('x').body } catch (e) { console.log(e.name, e.message) }`);
    expect(r.stdout).toBe('null\nTypeError Response.body is a ReadableStream, which the playground does not have: read the body with text(), json(), arrayBuffer(), bytes() or blob()\n');
  });

  it('hands a program that hijacked Map, JSON, TextDecoder, Promise and Object.prototype setters before its first Response no runtime internals', async () => {
    const r = await collect(pool, `const seen = new Set(); const add = (v) => { try { seen.add(v) } catch {} };
      for (const [o, k] of [[Map.prototype, 'get'], [Map.prototype, 'set'], [Map.prototype, 'forEach'], [Map.prototype, 'keys'], [Uint8Array.prototype, 'slice'], [TextDecoder.prototype, 'decode'], [Array.prototype, 'push'], [JSON, 'parse'], [String.prototype, 'toLowerCase']]) { const f = o[k]; o[k] = function (...a) { add(this); for (let i = 0; i < a.length; i++) add(a[i]); return Reflect.apply(f, this, a) } }
      Promise.resolve = (v) => { add(v); return 'hijacked' }; Function.prototype.call = function () { add(this); return 'hijacked' };
      for (const k of ['fetch', 'Headers', 'Response', 'bytes', 'used', 'values', 'name']) Object.defineProperty(Object.prototype, k, { set(v) { add(v); Object.defineProperty(this, k, { value: v, writable: true, configurable: true }) }, configurable: true });
      const res = Response.json({ a: 1 }, { headers: { 'X-A': 'b' } }); const p = res.json(); console.log(p === 'hijacked', res.headers.get('x-a'));
      const got = []; res.headers.forEach((v, k) => got[got.length] = k + '=' + v); console.log(got.join(' '), (await p).a);
      await fetch('https://x.test').catch((e) => console.log(e.code));
      ${LEAK_CHECK}`);
    expect(r.outcome.error?.message ?? r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe('false b\ncontent-type=application/json x-a=b 1\nERR_PLAYGROUND_UNAVAILABLE\nleaked 0\n');
  });

  it('keeps a run alive while a port with a message listener is open, as node does, until the time limit ends it', async () => {
    const r = await collect(pool, `const { port1, port2 } = new MessageChannel(); port2.onmessage = (e) => console.log('got', e.data); port1.postMessage('one')`, { timeoutMs: 400 });
    expect(r.stdout).toBe('got one\n');
    expect(r.outcome.status).toBe('timed_out');
  });

  it('ends the run once every listened port is closed or unref()\'d, and when a port has no listener', async () => {
    const r = await collect(pool, `const a = new MessageChannel(); a.port2.onmessage = (e) => { console.log('a', e.data); a.port1.close() }; a.port1.postMessage(1);
      const b = new MessageChannel(); b.port2.onmessage = () => console.log('never'); b.port2.unref();
      const c = new MessageChannel(); c.port1.postMessage('unread');
      const d = new MessageChannel(); d.port2.addEventListener('message', (e) => { console.log('d', e.data); setTimeout(() => d.port2.close(), 20) }); setTimeout(() => d.port1.postMessage(2), 10)`, { timeoutMs: 2000 });
    expect(r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe('a 1\nd 2\n');
  });

  it('hands a program that hijacked Array, EventTarget and Object.prototype setters before its first MessageChannel no runtime internals', async () => {
    const r = await collect(pool, `const seen = new Set(); const add = (v) => { try { seen.add(v) } catch {} };
      for (const [o, k] of [[Array.prototype, 'push'], [Array.prototype, 'shift'], [EventTarget.prototype, 'dispatchEvent']]) { const f = o[k]; o[k] = function (...a) { add(this); for (let i = 0; i < a.length; i++) add(a[i]); return Reflect.apply(f, this, a) } }
      const clone = structuredClone; globalThis.structuredClone = (v) => { add(v); return 'hijacked' };
      for (const k of ['poll', 'pollState', 'port', 'data', 'close', 'MessageChannel']) Object.defineProperty(Object.prototype, k, { set(v) { add(v); Object.defineProperty(this, k, { value: v, writable: true, configurable: true }) }, configurable: true });
      const { port1, port2 } = new MessageChannel(); port2.onmessage = (e) => { console.log(e.data); port2.close() }; port1.postMessage({ v: 1 });
      setTimeout(() => { ${LEAK_CHECK} }, 5)`);
    expect(r.outcome.error?.message ?? r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe('{ v: 1 }\nleaked 0\n');
  });
});
