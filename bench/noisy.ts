/**
 * The noisy-neighbour scenario, shared by tests/fairness.test.ts and `npm run bench`:
 * noisy sockets from a few addresses fill the queue with CPU-bound runs at the longest
 * timeout, and a quiet address then runs hello worlds one after another. The quiet
 * runs' latency (run frame sent -> result frame received) is what fairness is for.
 * Loopback addresses (127.0.0.x) stand in for distinct sources.
 */
import { decodeFrame } from '@playground/client';
import WebSocket from 'ws';
import { LIMITS } from '@playground/shared';

export interface NoisyOptions {
  noisyAddresses: string[];
  noisySockets: number;
  runsPerSocket: number;
  noisyTimeoutMs: number;
  quietAddress: string;
  quietRuns: number;
  /** Flood first, then start the quiet runs this much later. */
  warmupMs: number;
  /** Between one quiet result and the next quiet run (a person does not click faster). */
  quietGapMs: number;
}

export const NOISY_DEFAULTS: NoisyOptions = {
  noisyAddresses: ['127.0.0.11', '127.0.0.12', '127.0.0.13'],
  noisySockets: 10,
  runsPerSocket: 16,
  noisyTimeoutMs: LIMITS.timeoutMs.max,
  quietAddress: '127.0.0.20',
  quietRuns: 50,
  warmupMs: 3000,
  quietGapMs: 250,
};

type Frame = { type: string; requestId?: string; executionId?: string; seq?: number; status?: string; error?: { code: string; message: string } };

/** A bare socket that keeps every frame and wakes waiters. */
class Socket {
  readonly frames: Frame[] = [];
  readonly #waiters = new Set<() => void>();
  readonly ws: WebSocket;
  #n = 0;
  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      // Each message a frame stands for: a batch's events, or the frame itself.
      this.frames.push(...(decodeFrame(String(data)) as Frame[]));
      for (const wake of this.#waiters) wake();
    });
  }
  static open(url: string, localAddress: string): Promise<Socket> {
    const ws = new WebSocket(url, { localAddress });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Socket(ws)));
      ws.once('error', reject);
    });
  }
  waitFor(match: (f: Frame) => boolean, timeoutMs: number): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.frames.find(match);
        if (found) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms; last frames ${JSON.stringify(this.frames.slice(-3))}`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }
  request(message: Record<string, unknown>, timeoutMs = 30_000): Promise<Frame> {
    const requestId = `r${++this.#n}`;
    this.ws.send(JSON.stringify({ ...message, requestId }));
    return this.waitFor((f) => f.requestId === requestId, timeoutMs);
  }
  results(executionId: string): Frame[] {
    return this.frames.filter((f) => f.type === 'result' && f.executionId === executionId);
  }
}

export interface NoisyOutcome {
  /** Quiet runs' latencies, ms, in order. */
  quietMs: number[];
  noisyAccepted: number;
  /** Refusals by code, with one message of each. */
  noisyRefused: Record<string, { count: number; message: string }>;
  /** Noisy runs that had started by the time the quiet runs were done. */
  noisyStarted: number;
  /** Noisy runs' results by status by then. */
  noisyResults: Record<string, number>;
  /** Cancels every noisy run and waits for each to end: results per run (each should be 1). */
  finish(timeoutMs?: number): Promise<{ resultsPerRun: number[] }>;
}

export async function noisyNeighbour(socketUrl: string, options: Partial<NoisyOptions> = {}): Promise<NoisyOutcome> {
  const o = { ...NOISY_DEFAULTS, ...options };
  const noisy = await Promise.all(Array.from({ length: o.noisySockets }, (_, i) => Socket.open(socketUrl, o.noisyAddresses[i % o.noisyAddresses.length]!)));
  const quiet = await Socket.open(socketUrl, o.quietAddress);
  const accepted: Array<{ socket: Socket; executionId: string }> = [];
  const refused: Record<string, { count: number; message: string }> = {};
  try {
    await Promise.all(noisy.map(async (socket) => {
      const replies = await Promise.all(Array.from({ length: o.runsPerSocket }, () =>
        socket.request({ action: 'run', language: 'javascript', code: 'while (true) {}', timeoutMs: o.noisyTimeoutMs })));
      for (const reply of replies) {
        if (reply.type === 'accepted') accepted.push({ socket, executionId: reply.executionId! });
        else {
          const code = reply.error?.code ?? reply.type;
          refused[code] = { count: (refused[code]?.count ?? 0) + 1, message: reply.error?.message ?? '' };
        }
      }
    }));
    await new Promise((resolve) => setTimeout(resolve, o.warmupMs));
    const quietMs: number[] = [];
    for (let i = 0; i < o.quietRuns; i++) {
      const t = performance.now();
      const reply = await quiet.request({ action: 'run', language: 'javascript', code: "console.log('Hello, world!')" });
      if (reply.type !== 'accepted') throw new Error(`quiet run not accepted: ${JSON.stringify(reply)}`);
      await quiet.waitFor((f) => f.type === 'result' && f.executionId === reply.executionId, 120_000);
      quietMs.push(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, o.quietGapMs));
    }
    const noisyStarted = accepted.filter(({ socket, executionId }) => socket.frames.some((f) => f.type === 'started' && f.executionId === executionId)).length;
    const noisyResults: Record<string, number> = {};
    for (const { socket, executionId } of accepted) {
      const status = socket.results(executionId)[0]?.status;
      if (status) noisyResults[status] = (noisyResults[status] ?? 0) + 1;
    }
    return {
      quietMs, noisyAccepted: accepted.length, noisyRefused: refused, noisyStarted, noisyResults,
      async finish(timeoutMs = 90_000) {
        try {
          await Promise.all(accepted.map(({ socket, executionId }) => socket.request({ action: 'cancel', executionId })));
          await Promise.all(accepted.map(({ socket, executionId }) => socket.waitFor((f) => f.type === 'result' && f.executionId === executionId, timeoutMs)));
          // Late duplicates would arrive right after: give them a moment to show.
          await new Promise((resolve) => setTimeout(resolve, 500));
          // A result may be delivered twice (at least once); what counts is one per seq.
          return { resultsPerRun: accepted.map(({ socket, executionId }) => new Set(socket.results(executionId).map((f) => f.seq)).size) };
        } finally {
          for (const s of [...noisy, quiet]) s.ws.terminate();
        }
      },
    };
  } catch (err) {
    for (const s of [...noisy, quiet]) s.ws.terminate();
    throw err;
  }
}

/** p50 and p99 of samples (nearest rank). */
export function percentiles(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}
