/**
 * Memory outside the isolate's heap: WebAssembly memories and ArrayBuffers. The child
 * runs under an OS limit (RLIMIT_DATA, memory-limit.ts) and the executor watches its
 * resident size, so every way past memoryMb ends the run `memory_exceeded`, and never
 * takes another run down with it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPool } from './index.ts';
import { collect } from './testkit.ts';
import { DATA_HEADROOM_MB } from './memory-limit.ts';

/** (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))) */
const ADD = '[0,97,115,109,1,0,0,0,1,7,1,96,2,127,127,1,127,3,2,1,0,7,7,1,3,97,100,100,0,0,10,9,1,7,0,32,0,32,1,106,11]';
/**
 * (memory (export "mem") 1) and (func (export "grow") (param $use i32) (result i32)): in
 * a loop, `memory.grow` by 16 pages (1 MiB) until it answers -1, then return
 * `memory.size`; with $use, `memory.fill` every new MiB.
 */
const GROW = '[0,97,115,109,1,0,0,0,1,6,1,96,1,127,1,127,3,2,1,0,5,3,1,0,1,7,14,2,3,109,101,109,2,0,4,103,114,111,119,0,0,10,46,1,44,0,3,64,65,16,64,0,65,127,70,4,64,63,0,15,11,32,0,4,64,63,0,65,16,107,65,16,116,65,1,65,128,128,192,0,252,11,0,11,12,0,11,0,11]';
const grow = (use: 0 | 1) => `const { instance } = await WebAssembly.instantiate(new Uint8Array(${GROW})); console.log('pages', instance.exports.grow(${use}))`;

describe('memory outside the heap', () => {
  let pool: SandboxPool;
  beforeAll(async () => {
    pool = new SandboxPool({ size: 2, watchdogGraceMs: 500 });
    await pool.start();
  });
  afterAll(() => pool.close());

  it('runs each child under an RLIMIT_DATA of what it held when ready plus the headroom', () => {
    for (const pid of pool.childPids()) {
      const m = /^Max data size\s+(\d+)\s+(\d+)\s+bytes/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
      expect(m, 'no RLIMIT_DATA line').not.toBeNull();
      const limit = Number(m![1]);
      expect(Number(m![2])).toBe(limit);
      const held = Number(/^VmData:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
      expect(limit - held).toBeGreaterThan(DATA_HEADROOM_MB * 1024 * 1024 * 0.5);
      // The child measured with statm, which adds its stack (well under 8 MiB).
      expect(limit - held).toBeLessThanOrEqual((DATA_HEADROOM_MB + 8) * 1024 * 1024);
    }
  });

  it('offers WebAssembly but still not SharedArrayBuffer', async () => {
    const r = await collect(pool, `console.log(typeof WebAssembly, typeof SharedArrayBuffer, Object.getOwnPropertyDescriptor(globalThis, 'WebAssembly').enumerable)`);
    expect(r.stdout).toBe('object undefined false\n');
  });

  it('runs a small wasm module and prints its exports as node does', async () => {
    const r = await collect(pool, `const i = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(${ADD}))); console.log(i.exports.add(2, 3), i.exports)`);
    expect(r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe('5 [Object: null prototype] { add: [Function: 0] }\n');
  });

  it('ends a memory.grow loop from JavaScript with memory_exceeded', async () => {
    const r = await collect(pool, 'const m = new WebAssembly.Memory({ initial: 1 }); for (;;) m.grow(16)', { timeoutMs: 10_000 });
    expect(r.outcome.status).toBe('memory_exceeded');
    expect(r.outcome.error?.message).toBe('WebAssembly.Memory.grow(): Unable to grow instance memory');
  });

  it('ends a memory.grow loop inside wasm that uses every new page with memory_exceeded', async () => {
    // 64 MB of heap and as much again outside it, plus the engine's share: 224 MB of the 256.
    const r = await collect(pool, grow(1), { timeoutMs: 10_000 });
    expect(r.outcome.status).toBe('memory_exceeded');
    expect(r.stdout).toBe('');
  });

  it('lets a memory.grow loop inside wasm that never uses its pages stop where grow answers -1: 256 MiB, the largest memoryMb', async () => {
    const r = await collect(pool, grow(0), { timeoutMs: 10_000 });
    expect(r.outcome.status).toBe('succeeded');
    // 4096 pages is the cap; the loop grows by 16 from 1.
    expect(r.stdout).toBe('pages 4081\n');
  });

  it('lets a wasm program use a whole 256 MiB memory when memoryMb is 256', async () => {
    const pids = pool.childPids();
    const r = await collect(pool, grow(1), { timeoutMs: 10_000, memoryMb: 256 });
    expect(r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe('pages 4081\n');
    expect(pool.childPids()).toEqual(pids);
  });

  it('ends a huge new WebAssembly.Memory with memory_exceeded', async () => {
    const r = await collect(pool, 'new WebAssembly.Memory({ initial: 65536, maximum: 65536 })');
    expect(r.outcome.status).toBe('memory_exceeded');
    expect(r.outcome.error).toMatchObject({ name: 'RangeError', message: 'WebAssembly.Memory(): could not allocate memory' });
  });

  it('ends a wasm instance whose own memory is too big with memory_exceeded', async () => {
    // (memory 65535) declared by the module: V8 fails the instance, not a JS call.
    const big = '[0,97,115,109,1,0,0,0,5,5,1,0,255,255,3]';
    const r = await collect(pool, `new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(${big})))`);
    expect(r.outcome.status).toBe('memory_exceeded');
    expect(r.outcome.error?.message).toMatch(/Out of memory/);
  });

  it('ends ArrayBuffer and Buffer allocation loops with memory_exceeded', async () => {
    for (const code of ['const a = []; for (;;) a.push(new ArrayBuffer(1e7))', 'const a = []; for (;;) a.push(Buffer.alloc(1e7))', 'new ArrayBuffer(2 ** 31)']) {
      const r = await collect(pool, code);
      expect(r.outcome.status, code).toBe('memory_exceeded');
      expect(r.outcome.error?.message, code).toBe('Array buffer allocation failed');
    }
  });

  it('leaves an allocation failure a program catches to the program, as node does', async () => {
    const r = await collect(pool, 'try { new WebAssembly.Memory({ initial: 65536 }) } catch (e) { console.log(e.name) }');
    expect(r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe('RangeError\n');
  });

  it('stops wasm memories filled by uninterruptible calls and leaves the run beside it alone', async () => {
    const neighbour = collect(pool, 'let n = 0; const t = setInterval(() => { if (++n === 50) { clearInterval(t); console.log("neighbour done") } }, 10)');
    const started = performance.now();
    // Two memories of 256 MiB (each at the cap), filled by one call each.
    const r = await collect(pool, 'const a = new WebAssembly.Memory({ initial: 4096 }); const b = new WebAssembly.Memory({ initial: 4096 }); new Uint8Array(a.buffer).fill(1); new Uint8Array(b.buffer).fill(1); console.log("filled")', { timeoutMs: 20_000 });
    const took = performance.now() - started;
    expect(r.outcome.status).toBe('memory_exceeded');
    expect(r.stdout).toBe('');
    expect(took).toBeLessThan(5_000);
    expect((await neighbour).stdout).toBe('neighbour done\n');
    // Its child may have ended itself (a call that kept filling after the stop); the pool
    // has two children again and serves runs.
    await expect.poll(() => pool.childPids().length, { timeout: 10_000 }).toBe(2);
    expect((await collect(pool, 'console.log(1)')).stdout).toBe('1\n');
  });
});

describe('a child near its memory limit', () => {
  it('retires with the result of its next run, and the pool starts another', async () => {
    const logged: string[] = [];
    const log = (_: object, msg?: string) => { logged.push(msg ?? ''); };
    // Retired once it holds 16 MB more than when it was ready (limit minus 1024 MB).
    const pool = new SandboxPool({ size: 1, dataHeadroomMb: 1040, logger: { info: log, warn: log, error: log } });
    try {
      await pool.start();
      const [first] = pool.childPids();
      // A 256 MB heap filled with strings leaves the allocator holding more than before.
      const heavy = await collect(pool, 'const a = []; for (let i = 0; i < 2000; i++) a.push("x".repeat(1e5) + i); console.log(a.length)', { memoryMb: 256 });
      expect(heavy.stdout).toBe('2000\n');
      for (let i = 0; i < 3 && pool.childPids()[0] === first; i++) {
        expect((await collect(pool, 'console.log("next")')).stdout).toBe('next\n');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await expect.poll(() => pool.childPids().length === 1 && pool.childPids()[0] !== first, { timeout: 15_000 }).toBe(true);
      expect((await collect(pool, 'console.log("fresh")')).stdout).toBe('fresh\n');
      expect(logged).toContain('sandbox child retired near its memory limit; starting another');
      expect(logged).not.toContain('sandbox child exited');
    } finally {
      await pool.close();
    }
  });
});
