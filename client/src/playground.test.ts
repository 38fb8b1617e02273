import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeSockets } from '../test/fake-socket.ts';
import { connect, Connection, RunError, type ClientOptions, type Playground, type ServerMessage } from './index.ts';

const EX = 'ex_1';
const started = (seq = 1) => ({ type: 'started', executionId: EX, seq, queuedMs: 3, attempt: 1 });
const output = (seq: number, data: string, stream = 'stdout') => ({ type: 'output', executionId: EX, seq, stream, data });
const result = (seq: number, status = 'succeeded') => ({
  type: 'result', executionId: EX, seq, status, stats: { wallMs: 2, cpuMs: 1, queuedMs: 3 }, truncated: false,
});

async function setup(options: Partial<ClientOptions> = {}) {
  const sockets = fakeSockets();
  const connecting = connect('ws://test/ws', { createSocket: sockets.create, random: () => 0.5, ...options });
  sockets.last.open();
  const pg: Playground = await connecting;
  return { pg, sockets, lastRun: () => sockets.last.sent.filter((m) => m.action === 'run').at(-1)! };
}

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of iterable) all.push(item);
  return all;
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('connect and run', () => {
  it('a run iterates its events in seq order, each once, and gathers its output by stream', async () => {
    const { pg, sockets, lastRun } = await setup();
    const run = pg.run({ language: 'javascript', code: 'console.log(1)' });
    const socket = sockets.last;
    socket.receive({ type: 'accepted', requestId: lastRun().requestId, executionId: EX, token: 'tok' });
    socket.receive(output(3, 'err\n', 'stderr'));
    socket.receive(started());
    socket.receive(output(2, 'out\n'));
    socket.receive(output(2, 'out\n'));
    socket.receive(result(4));
    const events = await collect(run);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(run.executionId).toBe(EX);
    expect([run.stdout, run.stderr, run.output]).toEqual(['out\n', 'err\n', 'out\nerr\n']);
    expect((await run.result).status).toBe('succeeded');
    // A second iteration starts from the first event again.
    expect((await collect(run)).length).toBe(4);
  });

  it('events that arrive before accepted are handed over once accepted names their execution', async () => {
    const { pg, sockets, lastRun } = await setup();
    const run = pg.run({ language: 'javascript', code: '1' });
    sockets.last.receive(started());
    sockets.last.receive(result(2));
    expect(run.events).toEqual([]);
    sockets.last.receive({ type: 'accepted', requestId: lastRun().requestId, executionId: EX, token: 'tok' });
    expect(await run.accepted).toBe(EX);
    expect(run.events.map((e) => e.type)).toEqual(['started', 'result']);
  });

  it('a batch frame is read as the messages it holds, in order, accepted or not yet', async () => {
    const { pg, sockets, lastRun } = await setup();
    const run = pg.run({ language: 'javascript', code: '1' });
    sockets.last.receive({ type: 'batch', events: [started(), output(2, 'a')] });
    sockets.last.receive({ type: 'accepted', requestId: lastRun().requestId, executionId: EX, token: 'tok' });
    sockets.last.receive({ type: 'batch', events: [output(4, 'c'), output(3, 'b'), output(2, 'a'), result(5)] });
    expect((await run.result).seq).toBe(5);
    expect(run.stdout).toBe('abc');
    expect(run.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a run refused rate_limited is sent again after retryAfterMs when asked to, under a new request id', async () => {
    const { pg, sockets, lastRun } = await setup({ retryRateLimited: true });
    const run = pg.run({ language: 'javascript', code: '1' });
    const first = lastRun().requestId;
    sockets.last.receive({ type: 'rejected', requestId: first, error: { code: 'rate_limited', message: 'slow down', retryAfterMs: 250 } });
    vi.advanceTimersByTime(249);
    expect(lastRun().requestId).toBe(first);
    vi.advanceTimersByTime(1);
    const second = lastRun().requestId;
    expect(second).not.toBe(first);
    sockets.last.receive({ type: 'accepted', requestId: second, executionId: EX, token: 'tok' });
    sockets.last.receive(result(1));
    expect((await run.result).status).toBe('succeeded');
  });

  it('without retryRateLimited a refusal rejects the result and ends the iteration with a RunError', async () => {
    const { pg, sockets, lastRun } = await setup();
    const run = pg.run({ language: 'javascript', code: '1' });
    sockets.last.receive({ type: 'rejected', requestId: lastRun().requestId, error: { code: 'rate_limited', message: 'slow down', retryAfterMs: 250 } });
    await expect(run.result).rejects.toMatchObject({ name: 'RunError', kind: 'rejected', code: 'rate_limited', retryAfterMs: 250 });
    await expect(collect(run)).rejects.toBeInstanceOf(RunError);
  });

  it('a dropped socket reconnects and resumes the run after the last seq seen', async () => {
    const { pg, sockets, lastRun } = await setup();
    const run = pg.run({ language: 'javascript', code: '1' });
    sockets.last.receive({ type: 'accepted', requestId: lastRun().requestId, executionId: EX, token: 'tok' });
    sockets.last.receive(started());
    sockets.last.receive(output(2, 'a'));
    sockets.last.drop();
    vi.advanceTimersByTime(500);
    sockets.last.open();
    expect(sockets.last.sent).toEqual([{ action: 'resume', executionId: EX, token: 'tok', afterSeq: 2 }]);
    sockets.last.receive(output(2, 'a'));
    sockets.last.receive(output(3, 'b'));
    sockets.last.receive(result(4));
    await run.result;
    expect(run.stdout).toBe('ab');
  });

  it('cancel sent before accepted goes out as soon as the execution has an id', async () => {
    const { pg, sockets, lastRun } = await setup();
    const run = pg.run({ language: 'javascript', code: 'for(;;);' });
    run.cancel();
    sockets.last.receive({ type: 'accepted', requestId: lastRun().requestId, executionId: EX, token: 'tok' });
    expect(sockets.last.sent.at(-1)).toEqual({ action: 'cancel', executionId: EX });
  });

  it('closing the client fails unfinished runs as lost, so no caller waits forever', async () => {
    const { pg } = await setup();
    const run = pg.run({ language: 'javascript', code: '1' });
    pg.close();
    await expect(run.result).rejects.toMatchObject({ kind: 'lost', code: 'closed' });
  });

  it('ping resolves when the pong with its request id arrives', async () => {
    const { pg, sockets } = await setup();
    const pong = pg.ping();
    const ping = sockets.last.sent.at(-1)!;
    expect(ping.action).toBe('ping');
    sockets.last.receive({ type: 'pong', requestId: ping.requestId });
    expect(await pong).toBeGreaterThanOrEqual(0);
  });

  it('connect rejects when no socket opens in time', async () => {
    const sockets = fakeSockets();
    const connecting = connect('ws://test/ws', { createSocket: sockets.create, connectTimeoutMs: 1000 });
    vi.advanceTimersByTime(1000);
    await expect(connecting).rejects.toThrow(/could not connect/);
  });
});

describe('the onMessage hook', () => {
  it('sees every message as it arrives, batches unpacked and duplicates included, with its arrival time', () => {
    const seen: Array<[string, number]> = [];
    const sockets = fakeSockets();
    const connection = new Connection({
      url: 'ws://test/ws',
      createSocket: sockets.create,
      onMessage: (message: ServerMessage, at) => seen.push([message.type, at]),
    });
    connection.start();
    sockets.last.open();
    sockets.last.receive({ type: 'batch', events: [started(), started()] });
    sockets.last.receive('not json at all');
    expect(seen.map(([type]) => type)).toEqual(['started', 'started']);
    expect(typeof seen[0]![1]).toBe('number');
    connection.close();
  });
});

describe('without reconnect', () => {
  it('a close ends the client: unfinished runs are lost and no new socket is opened', async () => {
    const { pg, sockets } = await setup({ reconnect: false });
    const run = pg.run({ language: 'javascript', code: '1' });
    sockets.last.drop();
    vi.advanceTimersByTime(60_000);
    expect(sockets.sockets).toHaveLength(1);
    await expect(run.result).rejects.toMatchObject({ kind: 'lost', code: 'closed' });
    expect(pg.state).toBe('offline');
  });
});
