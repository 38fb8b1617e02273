/**
 * `npm run load -- --sockets N --rate R --duration S [--url ws://...]`: drives the
 * playground with a realistic mix of programs at a steady rate, prints live progress
 * and a latency histogram, and exits 1 if any accepted execution did not get exactly one
 * final result (2 for bad arguments). Without --url it starts the local stack itself.
 *
 * Point it only at loopback or at a deployment of your own: a URL that is not loopback
 * needs --own, to say so.
 *
 *   npm run load -- --sockets 50 --rate 40 --duration 30
 *   npm run load -- --url wss://play.example.com --own --sockets 10 --rate 5 --duration 60
 */
import { parseArgs } from 'node:util';
import { startLocalStack, type LocalStack } from '@playground/local';
import { BenchSocket, RunRejected, endProgress, histogram, openSockets, progressLine, sleep, summarize, type RunOutcome } from './lib.ts';

/** What people run in a playground, weighted by how often; `stdout` checks the output where it is deterministic. */
export const PROGRAMS: Array<{ name: string; weight: number; language: 'javascript' | 'typescript'; code: string; stdout?: string; status: string; timeoutMs?: number }> = [
  { name: 'hello world', weight: 30, language: 'javascript', code: "console.log('Hello, world!')", stdout: 'Hello, world!\n', status: 'succeeded' },
  { name: 'typescript types', weight: 15, language: 'typescript', code: 'interface P { x: number; y: number }\nconst p: P = { x: 1, y: 2 };\nconst sum = (a: P): number => a.x + a.y;\nconsole.log(sum(p));', stdout: '3\n', status: 'succeeded' },
  { name: 'objects and maps', weight: 10, language: 'javascript', code: "console.log({ a: 1, b: [1, 2, 3] }, new Map([['k', 'v']]));", stdout: "{ a: 1, b: [ 1, 2, 3 ] } Map(1) { 'k' => 'v' }\n", status: 'succeeded' },
  { name: 'primes below 20k', weight: 10, language: 'javascript', code: 'const p = [];\nfor (let n = 2; p.length < 2262; n++) if (p.every((q) => q * q > n || n % q)) p.push(n);\nconsole.log(p.length, p.at(-1));', stdout: '2262 19997\n', status: 'succeeded' },
  { name: 'fifty lines', weight: 10, language: 'javascript', code: 'for (let i = 0; i < 50; i++) console.log(`line ${i}`);', stdout: Array.from({ length: 50 }, (_, i) => `line ${i}\n`).join(''), status: 'succeeded' },
  { name: 'timers and await', weight: 10, language: 'javascript', code: "await new Promise((r) => setTimeout(r, 50));\nsetTimeout(() => console.log('later'), 20);\nconsole.log('now');", stdout: 'now\nlater\n', status: 'succeeded' },
  { name: 'uncaught error', weight: 8, language: 'javascript', code: "function f() { throw new TypeError('nope'); }\nf();", status: 'failed' },
  { name: 'syntax error', weight: 5, language: 'typescript', code: 'const x: number = ;', status: 'failed' },
  { name: 'endless loop', weight: 2, language: 'javascript', code: 'while (true) {}', status: 'timed_out', timeoutMs: 200 },
];

export interface LoadOptions {
  url?: string;
  sockets: number;
  /** Runs per second over all sockets. */
  rate: number;
  durationSeconds: number;
  /** After the last send, how long to wait for the results still due. */
  drainSeconds: number;
  /** Called about once a second with a progress line. */
  onProgress?: (line: string) => void;
}

export interface LoadSummary {
  url: string;
  sockets: number;
  rate: number;
  durationSeconds: number;
  sent: number;
  accepted: number;
  rejected: Record<string, number>;
  finished: number;
  /** Accepted executions without exactly one final result: the failure this tool exists to catch. */
  lost: number;
  duplicatedResults: number;
  /** Client-side backpressure: every socket already had 16 runs outstanding (the gateway's cap). */
  skipped: number;
  unexpected: number;
  unexpectedExamples: string[];
  byStatus: Record<string, number>;
  latency: ReturnType<typeof summarize>;
  histogram: string;
  ok: boolean;
}

/** The gateway refuses a 17th queued run on one socket; keep under it rather than be rejected. */
const MAX_OUTSTANDING_PER_SOCKET = 16;

export async function runLoad(o: LoadOptions): Promise<LoadSummary> {
  const say = o.onProgress ?? (() => {});
  const sockets = await openSockets(o.url!, o.sockets);
  const outstanding = new Map<BenchSocket, number>(sockets.map((s) => [s, 0]));
  const outcomes: RunOutcome[] = [];
  const rejected: Record<string, number> = {};
  const unexpected: string[] = [];
  const pending = new Set<Promise<void>>();
  let sent = 0;
  let skipped = 0;
  let cursor = 0;
  let lastSecond: number[] = [];

  // Weighted choice with a fixed order, so two runs of the tool send the same mix.
  const total = PROGRAMS.reduce((a, p) => a + p.weight, 0);
  const pick = (i: number) => {
    let x = (i * 7919) % total;
    for (const p of PROGRAMS) if ((x -= p.weight) < 0) return p;
    return PROGRAMS[0]!;
  };
  const send = (socket: BenchSocket) => {
    const program = pick(sent++);
    outstanding.set(socket, outstanding.get(socket)! + 1);
    const task = socket.run(program.code, {
      language: program.language, waitMs: (o.durationSeconds + o.drainSeconds) * 1000,
      ...(program.timeoutMs ? { timeoutMs: program.timeoutMs } : {}),
    }).then((outcome) => {
      outcomes.push(outcome);
      lastSecond.push(outcome.latencyMs);
      if (outcome.status !== program.status || (program.stdout !== undefined && outcome.stdout !== program.stdout)) {
        unexpected.push(`${program.name}: ${outcome.status} ${JSON.stringify(outcome.stdout.slice(0, 80))}`);
      }
    }, (err: unknown) => {
      const code = err instanceof RunRejected ? err.code : 'no_result';
      // A run without a result is counted from the socket's books below; here only refusals.
      if (err instanceof RunRejected) rejected[code] = (rejected[code] ?? 0) + 1;
    }).finally(() => {
      outstanding.set(socket, outstanding.get(socket)! - 1);
      pending.delete(task);
    });
    pending.add(task);
  };

  const started = performance.now();
  const interval = 1000 / o.rate;
  let due = started;
  let nextReport = started + 1000;
  const end = started + o.durationSeconds * 1000;
  while (performance.now() < end) {
    const now = performance.now();
    // Open loop: sends are due on a fixed schedule, whatever the service's speed.
    while (due <= now && due < end) {
      let socket: BenchSocket | undefined;
      for (let k = 0; k < sockets.length && !socket; k++) {
        const s = sockets[(cursor + k) % sockets.length]!;
        if (!s.closed && outstanding.get(s)! < MAX_OUTSTANDING_PER_SOCKET) socket = s;
      }
      cursor = (cursor + 1) % sockets.length;
      if (socket) send(socket);
      else skipped += 1;
      due += interval;
    }
    if (now >= nextReport) {
      const recent = summarize(lastSecond);
      lastSecond = [];
      say(`[load] ${Math.round((now - started) / 1000)}/${o.durationSeconds} s  sent ${sent}  finished ${outcomes.length}  in flight ${pending.size}  last second p50 ${recent.p50 || '-'} ms p99 ${recent.p99 || '-'} ms`);
      nextReport += 1000;
    }
    await sleep(Math.max(1, Math.min(due, nextReport) - performance.now()));
  }
  const drainUntil = performance.now() + o.drainSeconds * 1000;
  while (pending.size > 0 && performance.now() < drainUntil) {
    say(`[load] draining: ${pending.size} runs still due`);
    await Promise.race([Promise.allSettled([...pending]), sleep(1000)]);
  }

  const unfinished = sockets.flatMap((s) => s.unfinished());
  const accepted = sockets.reduce((a, s) => a + s.accepted.size, 0);
  const byStatus: Record<string, number> = {};
  for (const x of outcomes) byStatus[x.status] = (byStatus[x.status] ?? 0) + 1;
  for (const s of sockets) s.close();
  const latencies = outcomes.map((x) => x.latencyMs);
  const lost = unfinished.filter((u) => u.results === 0).length;
  const duplicatedResults = unfinished.filter((u) => u.results > 1).length;
  return {
    url: o.url!, sockets: o.sockets, rate: o.rate, durationSeconds: o.durationSeconds,
    sent, accepted, rejected, finished: outcomes.length, lost, duplicatedResults, skipped,
    unexpected: unexpected.length, unexpectedExamples: unexpected.slice(0, 5), byStatus,
    latency: summarize(latencies), histogram: histogram(latencies),
    ok: lost === 0 && duplicatedResults === 0,
  };
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        url: { type: 'string' },
        own: { type: 'boolean', default: false },
        sockets: { type: 'string', default: '20' },
        rate: { type: 'string', default: '20' },
        duration: { type: 'string', default: '10' },
        drain: { type: 'string', default: '30' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    console.error(`[load] ${(err as Error).message}`);
    return 2;
  }
  if (args.help) {
    console.log('Usage: npm run load -- --sockets N --rate R --duration S [--url ws://...] [--own] [--drain S] [--json]');
    return 0;
  }
  const num = (name: string, raw: string | undefined, min: number, max: number) => {
    const v = Number(raw);
    if (!Number.isFinite(v) || v < min || v > max) throw new Error(`--${name} must be a number from ${min} to ${max}, got ${raw}`);
    return v;
  };
  let opts: LoadOptions;
  try {
    opts = {
      sockets: Math.round(num('sockets', args.sockets, 1, 20_000)),
      rate: num('rate', args.rate, 0.1, 10_000),
      durationSeconds: num('duration', args.duration, 1, 86_400),
      drainSeconds: num('drain', args.drain, 1, 600),
      ...(args.url ? { url: args.url } : {}),
    };
  } catch (err) {
    console.error(`[load] ${(err as Error).message}`);
    return 2;
  }
  if (opts.url && !isLoopback(opts.url) && !args.own) {
    console.error(`[load] ${opts.url} is not loopback. Load-test only a deployment of your own; add --own to say it is.`);
    return 2;
  }

  let stack: LocalStack | undefined;
  try {
    if (!opts.url) {
      console.error('[load] no --url: starting the local stack (autoscaling workers, as npm start does)');
      stack = await startLocalStack({
        autoscale: { min: 1 },
        env: {
          LOG_LEVEL: 'warn',
          // One client address holds every socket: lift the per-address limits, keep per-socket ones.
          RUNS_PER_SECOND_PER_ADDRESS: '100000', RUN_BURST_PER_ADDRESS: '100000',
        },
        progress: (s) => console.error(`[load] ${s}`),
      });
      opts.url = stack.socketUrl;
    }
    console.error(`[load] ${opts.sockets} sockets, ${opts.rate} runs/s for ${opts.durationSeconds} s against ${opts.url}`);
    const summary = await runLoad({ ...opts, onProgress: progressLine });
    endProgress();
    if (args.json) {
      console.log(JSON.stringify(summary));
    } else {
      console.log(`\nLatency, run frame -> result frame (${summary.finished} results):\n${summary.histogram}`);
      console.log(`\np50 ${summary.latency.p50} ms, p90 ${summary.latency.p90} ms, p99 ${summary.latency.p99} ms, max ${summary.latency.max} ms`);
      console.log(`sent ${summary.sent}, accepted ${summary.accepted}, rejected ${JSON.stringify(summary.rejected)}, skipped (16 outstanding on every socket) ${summary.skipped}`);
      console.log(`statuses ${JSON.stringify(summary.byStatus)}; unexpected outputs ${summary.unexpected}${summary.unexpectedExamples.length ? `: ${summary.unexpectedExamples.join('; ')}` : ''}`);
      console.log(summary.ok
        ? `OK: every accepted execution got exactly one final result.`
        : `FAILED: ${summary.lost} accepted executions got no final result, ${summary.duplicatedResults} got more than one.`);
    }
    return summary.ok ? 0 : 1;
  } finally {
    await stack?.close();
  }
}

if (import.meta.main) {
  main().then((code) => process.exit(code), (err: unknown) => {
    endProgress();
    console.error('[load] failed:', err);
    process.exit(1);
  });
}
