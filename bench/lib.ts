/**
 * What the benchmark and the load tool share: a lean protocol client that can keep
 * thousands of runs in flight (tests/client.ts keeps every message and scans them, fine
 * for tests, quadratic here), distribution statistics, process memory from /proc, the
 * machine's description and a progress line for long phases.
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import WebSocket from 'ws';

export interface RunOutcome {
  executionId: string;
  status: string;
  /** `run` frame sent -> `accepted` received, ms. */
  acceptMs: number;
  /** `run` frame sent -> `started` received, ms (NaN if it came before `accepted`). */
  startedMs: number;
  /** `run` frame sent -> `result` received, ms. */
  latencyMs: number;
  /** The result's own stats: time in the sandbox and in the queue, as the worker saw them. */
  wallMs: number;
  queuedMs: number;
  stdout: string;
  /** `result` messages received for this execution (exactly 1 is right). */
  results: number;
}

interface Pending {
  sentAt: number;
  acceptedAt?: number;
  executionId?: string;
  resolve: (outcome: RunOutcome) => void;
  reject: (err: Error) => void;
  onOutput?: ((data: string, receivedAt: number) => void) | undefined;
  timer: NodeJS.Timeout;
}

interface Execution {
  stdout: string;
  /** Distinct result seqs (a redelivered result repeats its seq; the protocol says drop it). */
  results: number;
  seen: Set<number>;
  duplicates: number;
  result?: { status: string; at: number; wallMs: number; queuedMs: number };
  startedAt?: number;
  request?: Pending;
  /** Outputs that came before `accepted` told us whose they are. */
  early: Array<[string, number]>;
}

export class RunRejected extends Error {
  override name = 'RunRejected';
  readonly code: string;
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

let counter = 0;

/** One socket speaking the protocol; any number of runs in flight on it. */
export class BenchSocket {
  readonly ws: WebSocket;
  readonly #requests = new Map<string, Pending>();
  readonly #executions = new Map<string, Execution>();
  /** Every execution this socket had accepted, with how many results each got. */
  readonly accepted = new Map<string, Execution>();
  closed = false;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => this.#onMessage(String(data)));
    ws.on('close', () => {
      this.closed = true;
      for (const [id, p] of this.#requests) {
        clearTimeout(p.timer);
        p.reject(new Error(`socket closed with run ${id} pending`));
      }
      this.#requests.clear();
    });
    ws.on('error', () => {});
  }

  static connect(url: string, localAddress?: string, timeoutMs = 20_000): Promise<BenchSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { ...(localAddress ? { localAddress } : {}), perMessageDeflate: false, handshakeTimeout: timeoutMs });
      ws.once('open', () => resolve(new BenchSocket(ws)));
      ws.once('error', reject);
    });
  }

  #execution(id: string): Execution {
    let e = this.#executions.get(id);
    if (!e) this.#executions.set(id, (e = { stdout: '', results: 0, seen: new Set(), duplicates: 0, early: [] }));
    return e;
  }

  #onMessage(text: string): void {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    // A batch frame stands for its events, each as if it had come alone, at the same moment.
    const now = performance.now();
    if (parsed.type === 'batch' && Array.isArray(parsed.events)) for (const m of parsed.events as Array<Record<string, unknown>>) this.#onOne(m, now);
    else this.#onOne(parsed, now);
  }

  #onOne(m: Record<string, unknown>, now: number): void {
    const type = m.type as string;
    if (type === 'accepted' || type === 'rejected' || type === 'error') {
      const p = this.#requests.get(m.requestId as string);
      if (!p) return;
      this.#requests.delete(m.requestId as string);
      if (type !== 'accepted') {
        clearTimeout(p.timer);
        const error = m.error as { code: string; message: string };
        return p.reject(new RunRejected(error.code, error.message));
      }
      p.acceptedAt = now;
      p.executionId = m.executionId as string;
      const e = this.#execution(p.executionId);
      e.request = p;
      this.accepted.set(p.executionId, e);
      for (const [data, at] of e.early.splice(0)) p.onOutput?.(data, at);
      if (e.result) this.#settle(p.executionId, e);
      return;
    }
    if (type !== 'output' && type !== 'result' && type !== 'started') return;
    const e = this.#execution(m.executionId as string);
    if (type === 'started') {
      e.startedAt ??= now;
      return;
    }
    if (e.seen.has(m.seq as number)) {
      e.duplicates += 1;
      return;
    }
    e.seen.add(m.seq as number);
    if (type === 'output') {
      if (m.stream === 'stdout') e.stdout += m.data as string;
      if (e.request) e.request.onOutput?.(m.data as string, now);
      else e.early.push([m.data as string, now]);
    } else {
      e.results += 1;
      if (e.results === 1) {
        const stats = (m.stats ?? {}) as { wallMs?: number; queuedMs?: number };
        e.result = { status: m.status as string, at: now, wallMs: stats.wallMs ?? NaN, queuedMs: stats.queuedMs ?? NaN };
        if (e.request) this.#settle(m.executionId as string, e);
      }
    }
  }

  #settle(executionId: string, e: Execution): void {
    const p = e.request!;
    clearTimeout(p.timer);
    p.resolve({
      executionId, status: e.result!.status, acceptMs: p.acceptedAt! - p.sentAt, latencyMs: e.result!.at - p.sentAt, stdout: e.stdout, results: e.results,
      startedMs: e.startedAt !== undefined ? e.startedAt - p.sentAt : NaN, wallMs: e.result!.wallMs, queuedMs: e.result!.queuedMs,
    });
  }

  /** Sends a run; resolves at its result. `onOutput` sees each output chunk as it arrives. */
  run(code: string, opts: { language?: string; timeoutMs?: number; onOutput?: (data: string, receivedAt: number) => void; waitMs?: number } = {}): Promise<RunOutcome> {
    const requestId = `b-${++counter}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#requests.delete(requestId);
        reject(new Error(`no result within ${opts.waitMs ?? 60_000} ms (run ${requestId})`));
      }, opts.waitMs ?? 60_000);
      this.#requests.set(requestId, { sentAt: performance.now(), resolve, reject, onOutput: opts.onOutput, timer });
      this.ws.send(JSON.stringify({
        action: 'run', requestId, language: opts.language ?? 'javascript', code, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      }));
    });
  }

  /** Executions accepted on this socket that did not get exactly one result. */
  unfinished(): Array<{ executionId: string; results: number }> {
    return [...this.accepted].filter(([, e]) => e.results !== 1).map(([executionId, e]) => ({ executionId, results: e.results }));
  }

  close(): void {
    this.ws.terminate();
  }
}

/**
 * Opens `count` sockets, `parallel` at a time, spreading them over loopback source
 * addresses (127.0.0.2, .3, ...) so the gateway's cap on sockets per address (200)
 * holds, as it would for that many real people.
 */
export async function openSockets(url: string, count: number, opts: { perAddress?: number; parallel?: number; onProgress?: (opened: number) => void } = {}): Promise<BenchSocket[]> {
  const loopback = /^wss?:\/\/(127\.|localhost[:/])/.test(url);
  const perAddress = opts.perAddress ?? 100;
  const sockets: BenchSocket[] = new Array(count);
  let next = 0;
  let opened = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const address = loopback ? `127.0.${Math.floor(i / perAddress / 250)}.${2 + (Math.floor(i / perAddress) % 250)}` : undefined;
      sockets[i] = await BenchSocket.connect(url, address);
      opened += 1;
      if (opened % 100 === 0) opts.onProgress?.(opened);
    }
  };
  await Promise.all(Array.from({ length: Math.min(count, opts.parallel ?? 50) }, lane));
  return sockets;
}

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! : NaN);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    n: sorted.length,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1) ?? NaN),
    mean: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
  };
}

/** A text histogram with log-spaced buckets, for a person reading the terminal. */
export function histogram(values: number[], width = 40): string {
  if (values.length === 0) return '(no samples)';
  const edges = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, Infinity];
  const counts = edges.map(() => 0);
  for (const v of values) counts[edges.findIndex((e) => v <= e)]! += 1;
  const most = Math.max(...counts);
  const lines: string[] = [];
  let prev = 0;
  edges.forEach((edge, i) => {
    const c = counts[i]!;
    if (c > 0) {
      const label = `${prev}-${edge === Infinity ? '' : edge} ms`.padStart(14);
      lines.push(`${label} ${'#'.repeat(Math.max(1, Math.round((c / most) * width)))} ${c}`);
    }
    prev = edge;
  });
  return lines.join('\n');
}

/** Resident memory of a process in KiB (VmRSS), or undefined if it is gone. */
export function rssKiB(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used, in ms, from /proc/<pid>/stat. */
export function cpuMs(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 (11 and 12 after the command), in clock ticks (100/s).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

export { childrenOf } from '../local/src/processes.ts';

export function machine(): Record<string, string | number> {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}

/**
 * How fast this machine is right now: ms for a fixed loop of integer arithmetic, the
 * median of five rounds. On shared virtual machines the same loop's time moves by 15% or
 * more between minutes; printed at the start and end of a run, it is a snapshot of the
 * machine's speed then. It sees only the CPU: contention for memory or for the host
 * moves the playground's figures without moving this one.
 */
export function calibrationMs(): number {
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t = performance.now();
    let x = 0;
    for (let i = 0; i < 20_000_000; i++) x = (x + i * 7) % 1_000_003;
    if (x < 0) throw new Error('unreachable');
    rounds.push(performance.now() - t);
  }
  return Math.round(rounds.sort((a, b) => a - b)[2]! * 10) / 10;
}

/** Rewrites one status line in place on a terminal; plain lines otherwise. */
export function progressLine(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
  else process.stderr.write(`${text}\n`);
}

export function endProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\n');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `lanes` closed loops (each: send a run, wait for its result, repeat) until
 * `stopAt`, and returns what they measured. A rejected run (rate limit) waits and retries.
 */
export async function closedLoop(sockets: BenchSocket[], lanesPerSocket: number, program: (i: number) => { code: string; language?: string; expect?: string }, opts: { until: () => boolean; onResult?: (o: RunOutcome) => void }): Promise<{ outcomes: RunOutcome[]; rejected: number; errors: string[] }> {
  const outcomes: RunOutcome[] = [];
  const errors: string[] = [];
  let rejected = 0;
  let n = 0;
  const lane = async (socket: BenchSocket) => {
    while (!opts.until() && !socket.closed) {
      const p = program(n++);
      try {
        const o = await socket.run(p.code, p.language ? { language: p.language } : {});
        if (p.expect !== undefined && o.stdout !== p.expect) errors.push(`${o.executionId}: expected ${JSON.stringify(p.expect)}, got ${JSON.stringify(o.stdout)}`);
        outcomes.push(o);
        opts.onResult?.(o);
      } catch (err) {
        if (err instanceof RunRejected) {
          rejected += 1;
          await sleep(100);
        } else {
          errors.push(String(err));
        }
      }
    }
  };
  await Promise.all(sockets.flatMap((s) => Array.from({ length: lanesPerSocket }, () => lane(s))));
  return { outcomes, rejected, errors };
}
