/**
 * One budget per run: everything a program makes the host carry (output, completion
 * value, error name, message and stack) is cut to its limit with a marker, and counted
 * against the output cap. Run against the real sandbox; memory is measured in the child
 * (its peak RSS) and in this process, which plays the worker.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '@playground/shared';
import { SandboxPool } from './index.ts';
import { cutField, jsonPrefix, marker } from './budget.ts';
import { MAX_REPORT_CHARS, parseReport } from './executor.ts';
import { collect } from './testkit.ts';

const MB = 1024 * 1024;
const MARKER = /… \[truncated: \d+ more characters\]$/;
const jsonBytes = (s: string) => Buffer.byteLength(JSON.stringify(s)) - 2;

/** Peak resident memory of a process so far (Linux). */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

/** Runs `body` while sampling this process's RSS; answers the largest growth seen. */
async function rssGrowth<T>(body: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
  try {
    const result = await body();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growth: peak - before };
  } finally {
    clearInterval(sampler);
  }
}

describe('cutting text to a byte limit', () => {
  it('keeps text that fits and cuts text that does not, marker included in the limit', () => {
    expect(cutField('hello', 5)).toEqual({ text: 'hello', cut: false });
    const r = cutField('x'.repeat(1000), 100);
    expect(r.cut).toBe(true);
    expect(r.text).toMatch(MARKER);
    expect(jsonBytes(r.text)).toBeLessThanOrEqual(100);
    expect(r.text.endsWith(marker(1000 - r.text.indexOf('…')))).toBe(true);
  });

  it('measures what a field costs in the frame: escapes count, pairs are never split', () => {
    expect(jsonPrefix('"\\', 3)).toBe(1);
    expect(jsonPrefix('\u0001a', 6)).toBe(1);
    expect(jsonPrefix('😀😀', 7)).toBe(2);
    const emoji = cutField('😀'.repeat(1000), 1001).text;
    expect(emoji.isWellFormed()).toBe(true);
    expect(jsonBytes(emoji)).toBeLessThanOrEqual(1001);
    const quotes = cutField('"'.repeat(1000), 500).text;
    expect(jsonBytes(quotes)).toBeLessThanOrEqual(500);
  });

  it('keeps one marker when text cut in the isolate is cut again, with the counts added', () => {
    const once = cutField('y'.repeat(10_000), 2000).text;
    const twice = cutField(once, 500).text;
    expect(twice.match(/truncated/g)).toHaveLength(1);
    const kept = twice.indexOf('…');
    expect(twice).toBe('y'.repeat(kept) + marker(10_000 - kept));
  });
});

describe('the report from the isolate', () => {
  it('is refused unread past the size the runtime\'s own report can reach', () => {
    const huge = JSON.stringify({ value: 'v'.repeat(MAX_REPORT_CHARS) });
    expect(parseReport(huge)).toMatchObject({ error: { name: 'InternalError' } });
    expect(parseReport(JSON.stringify({ value: 'v', truncated: true }))).toEqual({ value: 'v', wrapped: false, atStart: false, truncated: true });
  });
});

describe('the budget of a run', () => {
  let pool: SandboxPool;
  beforeAll(async () => {
    pool = new SandboxPool({ size: 1, warmIsolates: 1, watchdogGraceMs: 2000 });
    await pool.start();
  });
  afterAll(() => pool.close());

  it('cuts a 300 KB completion value to its limit and still succeeds', async () => {
    // inspect shortens long strings and arrays itself, but not an object's keys.
    const r = await collect(pool, 'Object.fromEntries(Array.from({ length: 25_000 }, (_, i) => ["key" + i, i]))');
    expect(r.outcome).toMatchObject({ status: 'succeeded', truncated: true });
    expect(r.outcome.value).toMatch(/^\{\n {2}key0: 0,\n {2}key1: 1,/);
    expect(r.outcome.value).toMatch(MARKER);
    expect(jsonBytes(r.outcome.value!)).toBeLessThanOrEqual(LIMITS.maxValueBytes);
  });

  it('measures the value as JSON: quotes and control characters cannot push it past the limit', async () => {
    const r = await collect(pool, '({ [Symbol.for("nodejs.util.inspect.custom")]: () => "\\u0001\\"".repeat(100_000) })');
    expect(r.outcome.status).toBe('succeeded');
    expect(jsonBytes(r.outcome.value!)).toBeLessThanOrEqual(LIMITS.maxValueBytes);
  });

  it('cuts the value even when the program replaced the string builtins', async () => {
    const code = [
      'String.prototype.slice = () => "x".repeat(1e6);',
      'String.prototype.charCodeAt = () => 0x41;',
      'String.prototype.codePointAt = () => 0x41;',
      'JSON.stringify = () => "{}";',
      'Object.fromEntries(Array.from({ length: 25_000 }, (_, i) => ["key" + i, i]))',
    ].join('\n');
    const r = await collect(pool, code);
    expect(r.outcome).toMatchObject({ status: 'succeeded', truncated: true });
    expect(r.outcome.value).toMatch(MARKER);
    expect(jsonBytes(r.outcome.value!)).toBeLessThanOrEqual(LIMITS.maxValueBytes);
  });

  it('keeps a value that fits whole, not truncated', async () => {
    const r = await collect(pool, '"é".repeat(1000)');
    expect(r.outcome).toMatchObject({ status: 'succeeded', truncated: false, value: `'${'é'.repeat(1000)}'` });
  });

  it('never lets a 100 MB [inspect.custom] value out of the isolate', async () => {
    const pid = pool.childPids()[0]!;
    const childBefore = peakRss(pid);
    const { result: r, growth } = await rssGrowth(() => collect(pool,
      '({ [Symbol.for("nodejs.util.inspect.custom")]: () => "x".repeat(1e8) })', { memoryMb: 256, timeoutMs: 20_000 }));
    expect(r.outcome).toMatchObject({ status: 'succeeded', truncated: true });
    expect(r.outcome.value).toMatch(MARKER);
    expect(jsonBytes(r.outcome.value!)).toBeLessThanOrEqual(LIMITS.maxValueBytes);
    // The isolate holds the 100 MB string itself; no copy of it may leave: the child grows
    // by about that much (not 4-5x, as it did), this process by nothing like it.
    expect(peakRss(pid) - childBefore).toBeLessThan(250 * MB);
    expect(growth).toBeLessThan(50 * MB);
  });

  it('cuts a 100 MB error stack in the isolate and still fails with the error', async () => {
    const pid = pool.childPids()[0]!;
    const childBefore = peakRss(pid);
    const { result: r, growth } = await rssGrowth(() => collect(pool,
      'const e = new Error("big"); e.stack = "x".repeat(1e8); throw e', { memoryMb: 256, timeoutMs: 20_000 }));
    expect(r.outcome).toMatchObject({ status: 'failed', truncated: true, error: { name: 'Error', message: 'big' } });
    expect(r.outcome.error!.stack).toMatch(MARKER);
    expect(jsonBytes(r.outcome.error!.stack!)).toBeLessThanOrEqual(LIMITS.maxErrorStackBytes);
    expect(peakRss(pid) - childBefore).toBeLessThan(250 * MB);
    expect(growth).toBeLessThan(50 * MB);
  });

  it('cuts the name and message of a thrown error, and a thrown non-error', async () => {
    const r = await collect(pool, 'const e = new Error("m".repeat(1e6)); e.name = "N".repeat(1e5); throw e');
    expect(r.outcome).toMatchObject({ status: 'failed', truncated: true });
    expect(jsonBytes(r.outcome.error!.name)).toBeLessThanOrEqual(LIMITS.maxErrorNameBytes);
    expect(jsonBytes(r.outcome.error!.message)).toBeLessThanOrEqual(LIMITS.maxErrorMessageBytes);
    expect(r.outcome.error!.message).toMatch(MARKER);

    const thrown = await collect(pool, 'throw "s".repeat(1e6)');
    expect(thrown.outcome).toMatchObject({ status: 'failed', error: { name: 'Uncaught' } });
    expect(jsonBytes(thrown.outcome.error!.message)).toBeLessThanOrEqual(LIMITS.maxErrorMessageBytes);
  });

  it('cuts an unhandled rejection whose error ivm hands to the host whole', async () => {
    const r = await collect(pool, 'const e = new Error("r".repeat(1e6)); e.stack = "s".repeat(1e6); Promise.reject(e)');
    expect(r.outcome.status).toBe('failed');
    expect(jsonBytes(r.outcome.error!.message)).toBeLessThanOrEqual(LIMITS.maxErrorMessageBytes);
    expect(jsonBytes(r.outcome.error!.stack ?? '')).toBeLessThanOrEqual(LIMITS.maxErrorStackBytes);
    const reason = await collect(pool, 'Promise.reject("q".repeat(1e6))');
    expect(reason.outcome.status).toBe('failed');
    expect(jsonBytes(reason.outcome.error!.message)).toBeLessThanOrEqual(LIMITS.maxErrorMessageBytes);
  });

  it('counts the value against the output cap: what is left of it is all the value gets', async () => {
    // 10 000 bytes of cap, 9 000 printed: the value gets the last 1 000 at most.
    const r = await collect(pool, 'console.log("p".repeat(8999)); ({ [Symbol.for("nodejs.util.inspect.custom")]: () => "w".repeat(50_000) })', { maxOutputBytes: 10_000 });
    expect(r.outcome).toMatchObject({ status: 'succeeded', truncated: true });
    expect(Buffer.byteLength(r.stdout) + Buffer.byteLength(r.outcome.value!)).toBeLessThanOrEqual(10_000);
    expect(r.outcome.value).toMatch(MARKER);
    // Cut once by its limit and once by the budget, it still has one marker, counting all.
    const kept = r.outcome.value!.indexOf('…');
    expect(r.outcome.value).toBe(`${'w'.repeat(kept)}${marker(50_000 - kept)}`);
  });
});

/** CPU time a process has used so far, in ms (Linux, clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

describe('host work done for a run', () => {
  let pool: SandboxPool;
  beforeAll(async () => {
    pool = new SandboxPool({ size: 1, warmIsolates: 1, watchdogGraceMs: 2000 });
    await pool.start();
  });
  afterAll(() => pool.close());

  // 40 KB of TypeScript on its second line: 2 200 calls, each a mapped segment.
  const items = Array.from({ length: 2200 }, (_, i) => `f(${i} as number)`).join(', ');
  const longLine = `const xs: number[] = [${items}]; throw new Error("at the end of a long line");`;
  const program = `const f = (n: number): number => n;\n${longLine}\n`;

  it('maps an error at the end of a 40 KB TypeScript line to its line and column', async () => {
    expect(program.length).toBeGreaterThan(40_000);
    const r = await collect(pool, program, { language: 'typescript' });
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.error).toMatchObject({ message: 'at the end of a long line', line: 2, column: longLine.indexOf('new Error') + 1 });
  });

  it('maps a stack of a million frames on that line without the watchdog stepping in', async () => {
    // Every frame points into the long line: mapping used to scan its 12 000 segments per
    // frame, long enough for the pool to kill the child on every run.
    const crafted = program.replace('throw new Error', 'const e = new Error("deep"); e.stack = "Error: deep\\n" + "    at main.ts:2:30000\\n".repeat(1e6); throw e; new Error');
    const r = await collect(pool, crafted, { language: 'typescript', memoryMb: 128 });
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.error).toMatchObject({ name: 'Error', message: 'deep', line: 2 });
    expect(r.outcome.error!.stack).toMatch(/^Error: deep\n {4}at main\.ts:2:\d+\n/);
    expect(r.outcome.error!.stack).toMatch(MARKER);
  });

  it('counts the host side of getRandomValues in the run\'s CPU time', async () => {
    // The host makes the bytes and ivm hands them over while the isolate waits: the
    // isolate's own clock saw a sixth of the work. Measured from outside, in CPU (not wall)
    // time, the run must account for most of what its process spent.
    const pid = pool.childPids()[0]!;
    const before = processCpuMs(pid);
    const r = await collect(pool, 'const a = new Uint8Array(65536); for (let i = 0; i < 4000; i++) crypto.getRandomValues(a)');
    const spent = processCpuMs(pid) - before;
    expect(r.outcome.status).toBe('succeeded');
    expect(r.outcome.cpuMs).toBeGreaterThan(spent * 0.7 - 50);
  });

  it('stops a getRandomValues loop at the CPU limit', async () => {
    const r = await collect(pool, 'const a = new Uint8Array(65536); while (true) crypto.getRandomValues(a)', { cpuLimitMs: 300, timeoutMs: 30_000 });
    expect(r.outcome.status).toBe('timed_out');
    expect(r.outcome.cpuMs).toBeGreaterThanOrEqual(300);
  });
});

