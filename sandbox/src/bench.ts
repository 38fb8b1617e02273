/**
 * Hello world's cost: a bare fresh isolated-vm isolate (create, context, one logged line,
 * dispose) next to a full SandboxPool.run (IPC to the child, a pre-made isolate from the
 * runtime snapshot, the event loop, the report). Run: node sandbox/src/bench.ts [n]
 */
import ivm from 'isolated-vm';
import { SandboxPool } from './pool.ts';

export interface Percentiles {
  median: number;
  p99: number;
}

export interface SandboxBench {
  runs: number;
  /** New Isolate + createContext + a console.log through a Callback + dispose, in this process. */
  bareIsolate: Percentiles;
  /** SandboxPool.run of console.log("hello, world"), measured by the caller (includes IPC). */
  poolRun: Percentiles;
  /** The same runs as measured inside the child (isolate work only, no IPC). */
  poolRunInChild: Percentiles;
}

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: round(at(0.5)), p99: round(at(0.99)) };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

function bareHelloWorld(): number {
  const started = performance.now();
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  try {
    const context = isolate.createContextSync();
    let printed = '';
    context.evalClosureSync('$0("hello, world\\n")', [new ivm.Callback((s: string) => { printed += s; })], { timeout: 1000 });
    if (printed !== 'hello, world\n') throw new Error('bare isolate did not print');
  } finally {
    isolate.dispose();
  }
  return performance.now() - started;
}

export async function benchSandbox(n = 200): Promise<SandboxBench> {
  const bare: number[] = [];
  for (let i = 0; i < 10; i++) bareHelloWorld();
  for (let i = 0; i < n; i++) bare.push(bareHelloWorld());

  const pool = new SandboxPool({ size: 1 });
  const outer: number[] = [];
  const inner: number[] = [];
  try {
    await pool.start();
    const job = (i: number) => ({
      executionId: `bench_${i}`, language: 'javascript' as const, code: 'console.log("hello, world")',
      stdin: '', timeoutMs: 5000, memoryMb: 64, maxOutputBytes: 1 << 20,
    });
    for (let i = 0; i < 10; i++) await pool.run(job(i), () => {});
    for (let i = 0; i < n; i++) {
      // Like a queue consumer: the next job arrives a moment after the last one finished,
      // which is when the child refills its pool of ready isolates.
      await new Promise((resolve) => setTimeout(resolve, 5));
      let out = '';
      const started = performance.now();
      const outcome = await pool.run(job(i), (c) => { out += c.data; });
      outer.push(performance.now() - started);
      inner.push(outcome.wallMs);
      if (out !== 'hello, world\n' || outcome.status !== 'succeeded') throw new Error(`bad run: ${JSON.stringify(outcome)}`);
    }
  } finally {
    await pool.close();
  }
  const result = { runs: n, bareIsolate: percentiles(bare), poolRun: percentiles(outer), poolRunInChild: percentiles(inner) };
  console.log(`hello world, ${n} runs (ms)        median     p99`);
  console.log(`bare fresh isolate               ${fmt(result.bareIsolate)}`);
  console.log(`SandboxPool.run (caller, IPC)    ${fmt(result.poolRun)}`);
  console.log(`SandboxPool.run (inside child)   ${fmt(result.poolRunInChild)}`);
  return result;
}

const fmt = (p: Percentiles) => `${p.median.toFixed(2).padStart(7)} ${p.p99.toFixed(2).padStart(7)}`;

if (import.meta.main) {
  await benchSandbox(Number(process.argv[2] ?? 200));
}
