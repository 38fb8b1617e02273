/** Every limit and every status, each reached on purpose. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPool } from './index.ts';
import { collect } from './testkit.ts';

describe('limits and statuses', () => {
  let pool: SandboxPool;
  beforeAll(async () => {
    pool = new SandboxPool({ size: 2, watchdogGraceMs: 300 });
    await pool.start();
  });
  afterAll(() => pool.close());

  it('succeeds when the program has nothing left to do', async () => {
    const r = await collect(pool, 'setTimeout(() => console.log("later"), 20); console.log("now")');
    expect(r.outcome).toMatchObject({ status: 'succeeded', truncated: false });
    expect(r.stdout).toBe('now\nlater\n');
    expect(r.outcome.cpuMs).toBeGreaterThan(0);
  });

  it('counts only the program in its CPU time, not the warm-up of its isolate', async () => {
    // One thread runs the program, so its CPU time cannot exceed the wall time it took;
    // counting the isolate's warm-up made hello world report more CPU than wall time.
    for (let i = 0; i < 5; i++) {
      const r = await collect(pool, 'console.log("hi")');
      expect(r.outcome.cpuMs).toBeLessThanOrEqual(r.outcome.wallMs);
    }
  });

  it('stops a busy loop at the CPU limit even when the wall clock is generous', async () => {
    const r = await collect(pool, 'while (true) {}', { timeoutMs: 20_000, cpuLimitMs: 200 });
    expect(r.outcome.status).toBe('timed_out');
    expect(r.outcome.wallMs).toBeLessThan(20_000);
  });

  it('delivers everything printed before a busy loop that hits the time limit', async () => {
    const r = await collect(pool, 'console.log("a"); console.error("b"); Promise.resolve().then(() => { console.log("c"); for (;;) {} })', { timeoutMs: 300 });
    expect(r.outcome.status).toBe('timed_out');
    expect(r.all).toBe('a\nb\nc\n');
    expect(r.stderr).toBe('b\n');
  });

  it('prints a hundred thousand lines in order and complete', async () => {
    const r = await collect(pool, 'for (let i = 0; i < 1e5; i++) console.log(i)');
    expect(r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe(Array.from({ length: 1e5 }, (_, i) => `${i}\n`).join(''));
  });

  it('stops a program waiting on timers at the wall-clock limit', async () => {
    const r = await collect(pool, 'setInterval(() => {}, 50)', { timeoutMs: 300 });
    expect(r.outcome.status).toBe('timed_out');
  });

  it('reports memory_exceeded when the heap passes memoryMb', async () => {
    const r = await collect(pool, 'const a = []; while (true) a.push(new Array(1e5).fill({}))', { memoryMb: 16 });
    expect(r.outcome.status).toBe('memory_exceeded');
  });

  it('cuts output at the cap, delivers what fit and reports output_exceeded', async () => {
    const r = await collect(pool, 'console.log("start"); while (true) console.log("é".repeat(99))', { maxOutputBytes: 10_000 });
    expect(r.outcome).toMatchObject({ status: 'output_exceeded', truncated: true });
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(10_000);
    expect(Buffer.byteLength(r.stdout)).toBeGreaterThan(9_990);
    expect(r.stdout.startsWith('start\n')).toBe(true);
    expect(r.stdout).not.toContain('\ufffd');
  });

  it('stops a single huge print at the cap without copying all of it', async () => {
    const r = await collect(pool, 'console.log("x".repeat(5e7))', { maxOutputBytes: 1000, memoryMb: 256 });
    expect(r.outcome.status).toBe('output_exceeded');
    expect(r.stdout.length).toBe(1000);
  });

  it('refuses more pending timers than the cap with a catchable RangeError', async () => {
    const r = await collect(pool, 'for (let i = 0; i < 200; i++) setTimeout(() => {}, 1)', { maxTimers: 100 });
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.error).toMatchObject({ name: 'RangeError', line: 1 });
    expect(r.outcome.error?.message).toMatch(/Too many pending timers/);
  });

  it('ends with cancelled promptly when the signal aborts, and the child keeps serving', async () => {
    const controller = new AbortController();
    const running = collect(pool, 'console.log("started"); while (true) {}', { timeoutMs: 20_000 }, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    const r = await running;
    expect(r.outcome.status).toBe('cancelled');
    const after = await collect(pool, 'console.log("ok")');
    expect(after.stdout).toBe('ok\n');
  });

  it('answers cancelled without running when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await collect(pool, 'console.log("never")', {}, controller.signal);
    expect(r.outcome.status).toBe('cancelled');
    expect(r.all).toBe('');
  });

  it('fails a syntax error with its line and column', async () => {
    const r = await collect(pool, 'const a = 1;\nconst b = ;');
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.error).toMatchObject({ name: 'SyntaxError', message: "Unexpected token ';'", line: 2, column: 11 });
  });

  it('fails an unhandled rejection and keeps what was printed before', async () => {
    const r = await collect(pool, 'console.log("before"); Promise.reject(new TypeError("nobody caught me"))');
    expect(r.stdout).toBe('before\n');
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.error).toMatchObject({ name: 'TypeError', message: 'nobody caught me', line: 1 });
  });

  it('fails an error thrown in a timer and prints nothing after it', async () => {
    const r = await collect(pool, 'setTimeout(() => { throw new Error("in timer") }, 1); setTimeout(() => console.log("after"), 20)');
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.error).toMatchObject({ name: 'Error', message: 'in timer', line: 1, column: 26 });
    expect(r.stdout).toBe('');
  });

  it('fails a thrown non-error with its inspected value', async () => {
    const r = await collect(pool, 'throw { code: 42 }');
    expect(r.outcome.error).toMatchObject({ name: 'Uncaught', message: '{ code: 42 }' });
  });

  it('fails a top-level await that can never settle instead of waiting for the deadline', async () => {
    const r = await collect(pool, 'await new Promise(() => {})', { timeoutMs: 20_000 });
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.error?.message).toMatch(/unsettled top-level await/);
  });

  it('maps errors after top-level await to the right column on line 1', async () => {
    const r = await collect(pool, 'await null; null.x');
    expect(r.outcome.error).toMatchObject({ name: 'TypeError', line: 1, column: 18 });
  });

  it('reads stdin line by line with readline() and whole with the stdin global', async () => {
    const r = await collect(pool, 'let line; while ((line = readline()) !== null) console.log(`[${line}]`); console.log(JSON.stringify(stdin))', { stdin: 'a\r\nb\n\nc' });
    expect(r.stdout).toBe('[a]\n[b]\n[]\n[c]\n"a\\r\\nb\\n\\nc"\n');
  });

  it('returns undefined as the value when the last statement is a declaration', async () => {
    const r = await collect(pool, 'const x = 1');
    expect(r.outcome.value).toBe('undefined');
  });

  it('formats the completion value like util.inspect', async () => {
    const r = await collect(pool, 'new Map([["a", { b: [1, 2] }]])');
    expect(r.outcome.value).toBe("Map(1) { 'a' => { b: [ 1, 2 ] } }");
  });

  it('kills a child stuck in an uninterruptible built-in and reports the run', async () => {
    const r = await collect(pool, 'BigInt("1".repeat(1e6)) ** 100n', { timeoutMs: 300 });
    expect(['timed_out', 'memory_exceeded']).toContain(r.outcome.status);
    const after = await collect(pool, 'console.log("alive")');
    expect(after.stdout).toBe('alive\n');
  });
});

describe('TypeScript', () => {
  let pool: SandboxPool;
  beforeAll(async () => {
    pool = new SandboxPool({ size: 1 });
    await pool.start();
  });
  afterAll(() => pool.close());

  it('runs enums, generics and type-only imports', async () => {
    const code = [
      "import type { Foo } from './nowhere';",
      'enum Color { Red, Green = 5 }',
      'function first<T>(items: T[]): T | undefined { return items[0]; }',
      'interface Box<T> { value: T }',
      'const box: Box<number> = { value: first([Color.Green, 1])! };',
      'console.log(Color.Red, Color[5], box);',
    ].join('\n');
    const r = await collect(pool, code, { language: 'typescript' });
    expect(r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe('0 Green { value: 5 }\n');
  });

  it('runs standard decorators (experimentalDecorators is off)', async () => {
    const code = 'function tag(_: unknown, ctx: ClassDecoratorContext) { console.log("decorating", ctx.name) }\n@tag class A {}\nconsole.log(new A())';
    const r = await collect(pool, code, { language: 'typescript' });
    expect(r.stdout).toBe('decorating A\nA {}\n');
  });

  it('maps a runtime error back to the TypeScript line and column', async () => {
    const code = 'type N = number;\nconst n: N = 1;\n\nfunction boom(msg: string): never {\n  throw new Error(msg);\n}\nboom("typed");';
    const r = await collect(pool, code, { language: 'typescript' });
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.error).toMatchObject({ name: 'Error', message: 'typed', line: 5, column: 9 });
    expect(r.outcome.error?.stack).toContain('main.ts:5:9');
    expect(r.outcome.error?.stack).toContain('main.ts:7:1');
  });

  it('reports a TypeScript syntax error with line and column and runs nothing', async () => {
    const r = await collect(pool, 'console.log("never");\nlet x: = 1;', { language: 'typescript' });
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.error).toMatchObject({ name: 'SyntaxError', line: 2, column: 8 });
    expect(r.all).toBe('');
  });

  it('supports top-level await in TypeScript', async () => {
    const r = await collect(pool, 'const v: string = await Promise.resolve("awaited");\nconsole.log(v);', { language: 'typescript' });
    expect(r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe('awaited\n');
  });

  it('does not block a run on a type error', async () => {
    const r = await collect(pool, 'const n: number = "not a number" as any as string as unknown as number;\nconsole.log(n)', { language: 'typescript' });
    expect(r.stdout).toBe('not a number\n');
  });
});
