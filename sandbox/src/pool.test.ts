import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPool } from './index.ts';
import { collect } from './testkit.ts';

describe('SandboxPool', () => {
  let pool: SandboxPool;
  beforeAll(async () => {
    pool = new SandboxPool({ size: 2 });
    await pool.start();
  });
  afterAll(() => pool.close());

  it('runs hello world and streams what it printed', async () => {
    const r = await collect(pool, 'console.log("hello, world")');
    expect(r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe('hello, world\n');
  });

  it('keeps stdout and stderr in the order they were printed', async () => {
    const r = await collect(pool, 'console.log(1); console.error(2); console.log(3); console.warn(4)');
    expect(r.all).toBe('1\n2\n3\n4\n');
    expect(r.stdout).toBe('1\n3\n');
    expect(r.stderr).toBe('2\n4\n');
  });

  it('returns the completion value of the last expression statement', async () => {
    const r = await collect(pool, 'const a = { x: [1, 2] };\na');
    expect(r.outcome.value).toBe('{ x: [ 1, 2 ] }');
  });

  it('ends a busy loop at the wall-clock limit with timed_out', async () => {
    const r = await collect(pool, 'console.log("before"); while (true) {}', { timeoutMs: 300 });
    expect(r.outcome.status).toBe('timed_out');
    expect(r.stdout).toBe('before\n');
  });

  it('reports an uncaught error with its name, message, line and column', async () => {
    const r = await collect(pool, 'const x = 1;\nnull.foo;');
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.error).toMatchObject({ name: 'TypeError', line: 2, column: 6 });
    expect(r.outcome.error?.message).toMatch(/Cannot read properties of null/);
    expect(r.outcome.error?.stack).toMatch(/^TypeError: Cannot read properties of null/);
    expect(r.outcome.error?.stack).not.toMatch(/playground:|isolated-vm/);
  });

  it('starts its children without the worker environment', async () => {
    process.env.AWS_SECRET_ACCESS_KEY = 'must-not-leak';
    const local = new SandboxPool({ size: 1, warmIsolates: 0 });
    try {
      await local.start();
      for (const pid of local.childPids()) {
        const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
        expect(environ).not.toContain('AWS_');
        expect(environ).not.toContain('must-not-leak');
      }
    } finally {
      delete process.env.AWS_SECRET_ACCESS_KEY;
      await local.close();
    }
  });

  it('replaces a child that died and keeps serving', async () => {
    const local = new SandboxPool({ size: 1, warmIsolates: 0 });
    try {
      await local.start();
      const [pid] = local.childPids();
      const running = collect(local, 'setTimeout(() => {}, 10000)', { timeoutMs: 20_000 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      process.kill(pid!, 'SIGKILL');
      const r = await running;
      expect(r.outcome.status).toBe('crashed');
      const after = await collect(local, 'console.log("still here")');
      expect(after.stdout).toBe('still here\n');
      expect(local.childPids()).not.toContain(pid);
    } finally {
      await local.close();
    }
  });

  it('close can be called twice and returns the same promise', async () => {
    const local = new SandboxPool({ size: 1, warmIsolates: 0 });
    await local.start();
    const first = local.close();
    expect(local.close()).toBe(first);
    await first;
    await expect(local.run({ executionId: 'x', language: 'javascript', code: '1', stdin: '', timeoutMs: 1000, memoryMb: 64, maxOutputBytes: 100 }, () => {})).rejects.toThrow(/closed/);
  });
});

describe('SandboxPool with an execPath', () => {
  it('starts every child through it (the cloud gives sandboxes a network namespace this way)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-exec-'));
    const wrapper = join(dir, 'wrapper.sh');
    const marks = join(dir, 'started');
    writeFileSync(wrapper, `#!/bin/sh\necho started >> ${JSON.stringify(marks)}\nexec ${JSON.stringify(process.execPath)} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const pool = new SandboxPool({ size: 2, execPath: wrapper });
    try {
      await pool.start();
      const r = await collect(pool, 'console.log("through the wrapper")');
      expect(r.stdout).toBe('through the wrapper\n');
      expect(existsSync(marks) && readFileSync(marks, 'utf8').trim().split('\n')).toEqual(['started', 'started']);
    } finally {
      await pool.close();
    }
  });
});
