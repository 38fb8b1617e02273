/**
 * What the benchmark and the load tool share: a socket that can keep thousands of runs
 * in flight and time every message (tests/client.ts keeps every message and scans them,
 * fine for tests, quadratic here), distribution statistics, process memory from /proc, the
 * machine's description and a progress line for long phases.
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import WebSocket from 'ws';
import { Connection, type SocketLike } from '@playground/client';
import type { Language, ServerMessage } from '@playground/shared';

export interface RunOutcome {
  executionId: string;
  status: string;
  /** `run` frame sent -> `accepted` received, ms. */
  acceptMs: number;
  /** `run` frame sent -> `started` received, ms. */
  startedMs: number;
  /** `run` frame sent -> `result` received, ms. */
  latencyMs: number;
  /** The result's own stats: time in the sandbox and in the queue, as the worker saw them. */
  wallMs: number;
  queuedMs: number;
  stdout: string;
  /** `result` messages received for this execution (exactly 1 is right). */
  results: number;
  /** The result's completion value, if any (as the service cut it). */
  value?: string;
}

/** What arrived on the wire for one execution, before the client orders and de-duplicates. */
interface Arrivals {
  /** Distinct result seqs (a redelivered result repeats its seq; the protocol says drop it). */
  resultSeqs: Set<number>;
  startedAt?: number;
}

export class RunRejected extends Error {
  override name = 'RunRejected';
  readonly code: string;
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/**
 * One socket speaking the protocol through `@playground/client` (no reconnect, no
 * keep-alive pings: what is measured is the service), any number of runs in flight on
 * it. Its message hook stamps every message with its arrival time, before ordering, so
 * latencies are arrival times, and counts results as they came on the wire, so a
 * duplicated or missing result is seen even though the client would hide it.
 */
export class BenchSocket {
  readonly ws: WebSocket;
  readonly connection: Connection;
  /** Every execution this socket had accepted, with what arrived for it. */
  readonly accepted = new Map<string, Arrivals>();
  closed = false;
  readonly #arrivals = new Map<string, Arrivals>();
  readonly #arrivedAt = new WeakMap<object, number>();

  private constructor(ws: WebSocket, connection: Connection) {
    this.ws = ws;
    this.connection = connection;
    ws.on('close', () => {
      this.closed = true;
    });
  }

  static async connect(url: string, localAddress?: string, timeoutMs = 20_000): Promise<BenchSocket> {
    let ws: WebSocket | undefined;
    let socket: BenchSocket | undefined;
    const opened = Promise.withResolvers<void>();
    const connection = new Connection({
      url,
      reconnect: false,
      pingIntervalMs: 0,
      createSocket: (target) => {
        ws = new WebSocket(target, { ...(localAddress ? { localAddress } : {}), perMessageDeflate: false, handshakeTimeout: timeoutMs });
        ws.once('open', () => opened.resolve());
        ws.once('error', (err) => opened.reject(err));
        return ws as unknown as SocketLike;
      },
      onMessage: (message, receivedAt) => socket!.#onMessage(message, receivedAt),
    });
    connection.start();
    socket = new BenchSocket(ws!, connection);
    await opened.promise;
    return socket;
  }

  #execution(id: string): Arrivals {
    let e = this.#arrivals.get(id);
    if (!e) this.#arrivals.set(id, (e = { resultSeqs: new Set() }));
    return e;
  }

  #onMessage(message: ServerMessage, receivedAt: number): void {
    this.#arrivedAt.set(message, receivedAt);
    if (message.type === 'started') this.#execution(message.executionId).startedAt ??= receivedAt;
    else if (message.type === 'result') this.#execution(message.executionId).resultSeqs.add(message.seq);
    else if (message.type === 'accepted') this.accepted.set(message.executionId, this.#execution(message.executionId));
  }

  /** Sends a run; resolves at its result. `onOutput` sees each output chunk (in seq order) with its arrival time. */
  run(code: string, opts: { language?: string; timeoutMs?: number; memoryMb?: number; onOutput?: (data: string, receivedAt: number) => void; waitMs?: number } = {}): Promise<RunOutcome> {
    return new Promise((resolve, reject) => {
      const sentAt = performance.now();
      let acceptedAt = NaN;
      let stdout = '';
      const handle = this.connection.run({
        language: (opts.language ?? 'javascript') as Language, code, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
        ...(opts.memoryMb ? { memoryMb: opts.memoryMb } : {}),
      }, {
        onAccepted: () => {
          acceptedAt = performance.now();
        },
        onEvent: (event) => {
          const at = this.#arrivedAt.get(event) ?? performance.now();
          if (event.type === 'output') {
            if (event.stream === 'stdout') stdout += event.data;
            opts.onOutput?.(event.data, at);
          } else if (event.type === 'result') {
            clearTimeout(timer);
            const e = this.#execution(event.executionId);
            resolve({
              executionId: event.executionId, status: event.status, acceptMs: acceptedAt - sentAt, latencyMs: at - sentAt, stdout, results: e.resultSeqs.size,
              startedMs: e.startedAt !== undefined ? e.startedAt - sentAt : NaN, wallMs: event.stats.wallMs, queuedMs: event.stats.queuedMs,
              ...(event.value !== undefined ? { value: event.value } : {}),
            });
          }
        },
        onRejected: (error) => {
          clearTimeout(timer);
          reject(new RunRejected(error.code, error.message));
        },
        onLost: () => {
          clearTimeout(timer);
          reject(new Error(`socket closed with run ${handle.requestId} pending`));
        },
      });
      const timer = setTimeout(() => {
        reject(new Error(`no result within ${opts.waitMs ?? 60_000} ms (run ${handle.requestId})`));
      }, opts.waitMs ?? 60_000);
    });
  }

  /** Executions accepted on this socket that did not get exactly one result. */
  unfinished(): Array<{ executionId: string; results: number }> {
    return [...this.accepted].filter(([, e]) => e.resultSeqs.size !== 1).map(([executionId, e]) => ({ executionId, results: e.resultSeqs.size }));
  }

  close(): void {
    this.connection.close();
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
