/**
 * `@playground/client` against the real local stack (emulators, gateway, workers), with a
 * relay in between that can delay `accepted` or cut the socket mid-run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@playground/local';
import { connect, type ConnectOptions, type Playground, type ServerMessage } from '@playground/client';
import WS from 'ws';
import { startRelay, type Relay } from './proxy.ts';

let stack: LocalStack;
let relay: Relay;
const open: Playground[] = [];
const client = async (url: string, options: ConnectOptions = {}) => {
  const pg = await connect(url, options);
  open.push(pg);
  return pg;
};
const ticking = (n: number, ms: number) => `for (let i = 0; i < ${n}; i++) { console.log('tick ' + i); await new Promise((r) => setTimeout(r, ${ms})); }`;
const ticks = (n: number) => Array.from({ length: n }, (_, i) => `tick ${i}\n`).join('');

beforeAll(async () => {
  stack = await startLocalStack({
    workers: 1,
    workerConcurrency: 4,
    // A tight per-socket rate, so that a burst of runs meets `rate_limited`.
    env: { LOG_LEVEL: 'warn', RUNS_PER_SECOND_PER_SOCKET: '2', RUN_BURST_PER_SOCKET: '2', RUN_BURST_PER_ADDRESS: '1000', RUNS_PER_SECOND_PER_ADDRESS: '1000' },
    ...(process.env.DEBUG_STACK ? { log: (line: string) => console.log(line) } : {}),
  });
  relay = await startRelay(stack.socketUrl);
});

afterAll(async () => {
  for (const pg of open) pg.close();
  await relay?.close();
  await stack?.close();
});

describe('the client against the local stack', () => {
  it('streams a run: events in seq order, each once, output as it is printed, then the result', async () => {
    const pg = await client(stack.socketUrl);
    const run = pg.run({ language: 'typescript', code: "const n: number = 3;\nfor (let i = 0; i < n; i++) console.log('line', i);\nconsole.error('done');" });
    const seqs: number[] = [];
    for await (const event of run) seqs.push(event.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(run.stdout).toBe('line 0\nline 1\nline 2\n');
    expect(run.stderr).toBe('done\n');
    expect((await run.result).status).toBe('succeeded');
    expect(run.executionId).toMatch(/.+/);
  });

  it('a socket cut mid-run reconnects, resumes, and the run completes with every seq exactly once', async () => {
    const arrivals: ServerMessage[] = [];
    const pg = await client(relay.url, { baseDelayMs: 50, maxDelayMs: 200, onMessage: (m) => arrivals.push(m) });
    const run = pg.run({ language: 'javascript', code: ticking(12, 100) });
    let cut = false;
    for await (const event of run) {
      if (!cut && event.type === 'output' && event.data.includes('tick 3')) {
        cut = true;
        relay.cutAll();
      }
    }
    expect(cut).toBe(true);
    expect(run.stdout).toBe(ticks(12));
    const seqs = run.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(run.events.filter((e) => e.type === 'result')).toHaveLength(1);
    // The client sent a resume after the cut (the relay saw two sockets).
    expect(arrivals.some((m) => m.type === 'ack' && m.action === 'resume')).toBe(true);
  });

  it('cancel stops a run that would print until its timeout', async () => {
    const pg = await client(stack.socketUrl);
    const run = pg.run({ language: 'javascript', code: "setInterval(() => console.log('still going'), 20)", timeoutMs: 20_000 });
    for await (const event of run) if (event.type === 'output') break;
    run.cancel();
    const result = await run.result;
    expect(result.status).toBe('cancelled');
    expect(result.stats.wallMs).toBeLessThan(20_000);
  });

  it('runs refused rate_limited are retried after retryAfterMs when asked to, and all complete', async () => {
    const refusals: ServerMessage[] = [];
    const pg = await client(stack.socketUrl, {
      retryRateLimited: true,
      onMessage: (m) => m.type === 'rejected' && refusals.push(m),
    });
    const runs = Array.from({ length: 5 }, (_, i) => pg.run({ language: 'javascript', code: `console.log(${i})` }));
    const results = await Promise.all(runs.map((r) => r.result));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill('succeeded'));
    expect(runs.map((r) => r.stdout)).toEqual(['0\n', '1\n', '2\n', '3\n', '4\n']);
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((m) => m.type === 'rejected' && m.error.code === 'rate_limited')).toBe(true);
  });

  it('events that arrive before their accepted are kept and handed over in order', async () => {
    relay.delayAcceptedMs = 400;
    try {
      const order: string[] = [];
      const pg = await client(relay.url, { onMessage: (m) => order.push(m.type) });
      const run = pg.run({ language: 'javascript', code: "console.log('early')" });
      const result = await run.result;
      expect(result.status).toBe('succeeded');
      expect(order.indexOf('started')).toBeLessThan(order.indexOf('accepted'));
      expect(run.events.map((e) => [e.seq, e.type])).toEqual([[1, 'started'], [2, 'output'], [3, 'result']]);
      expect(run.stdout).toBe('early\n');
    } finally {
      relay.delayAcceptedMs = 0;
    }
  });

  it('accepts a WebSocket constructor for runtimes without one (ws here)', async () => {
    const pg = await client(stack.socketUrl, { WebSocket: WS });
    const run = pg.run({ language: 'javascript', code: "console.log('via ws')" });
    expect((await run.result).status).toBe('succeeded');
    expect(run.stdout).toBe('via ws\n');
  });

  it('share and load round-trip a snippet; ping answers', async () => {
    const pg = await client(stack.socketUrl);
    const id = await pg.share({ language: 'javascript', code: 'console.log(42)' });
    expect(await pg.load(id)).toEqual({ snippetId: id, language: 'javascript', code: 'console.log(42)' });
    expect(await pg.ping()).toBeGreaterThanOrEqual(0);
  });
});
