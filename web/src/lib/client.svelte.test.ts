import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RequestError, type ClientOptions, type ExecutionEvent, type RunHandlers } from '@playground/client';
import { PlaygroundClient } from './client.svelte.ts';
import { socketFactory } from '../test/fake-socket.ts';

const EX = 'ex_1';
const started = (seq = 1, attempt = 1) => ({ type: 'started', executionId: EX, seq, queuedMs: 3, attempt });
const output = (seq: number, data: string, stream = 'stdout') => ({ type: 'output', executionId: EX, seq, stream, data });
const result = (seq: number, status = 'succeeded') => ({
  type: 'result',
  executionId: EX,
  seq,
  status,
  stats: { wallMs: 2, cpuMs: 1, queuedMs: 3 },
  truncated: false,
});

function setup(options: Partial<ClientOptions> = {}) {
  const factory = socketFactory();
  const client = new PlaygroundClient({
    url: 'ws://test/ws',
    createSocket: factory.create,
    random: () => 0.5,
    ...options,
  });
  const events: ExecutionEvent[] = [];
  const handlers: RunHandlers & { rejected: unknown[]; lost: unknown[]; accepted: string[] } = {
    rejected: [],
    lost: [],
    accepted: [],
    onAccepted: (id) => handlers.accepted.push(id),
    onEvent: (event) => events.push(event),
    onRejected: (error) => handlers.rejected.push(error),
    onLost: (error) => handlers.lost.push(error),
  };
  client.start();
  return { client, factory, events, handlers, seqs: () => events.map((e) => e.seq) };
}

/** Starts a run on an open socket and answers `accepted`. */
function accept(ctx: ReturnType<typeof setup>) {
  const handle = ctx.client.run({ language: 'javascript', code: '1' }, ctx.handlers);
  ctx.factory.last.receive({ type: 'accepted', requestId: handle.requestId, executionId: EX, token: 'tok' });
  return handle;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('PlaygroundClient', () => {
  it('connects to the configured URL and reports connected once the socket opens', () => {
    const ctx = setup();
    expect(ctx.factory.last.url).toBe('ws://test/ws');
    expect(ctx.client.state).toBe('connecting');
    ctx.factory.last.open();
    expect(ctx.client.state).toBe('connected');
  });

  it('waits for the socket to open before sending a run', () => {
    const ctx = setup();
    const handle = ctx.client.run({ language: 'typescript', code: 'let x: number = 1', timeoutMs: 2000 }, ctx.handlers);
    expect(ctx.factory.last.sent).toEqual([]);
    ctx.factory.last.open();
    expect(ctx.factory.last.sent).toEqual([
      { action: 'run', requestId: handle.requestId, language: 'typescript', code: 'let x: number = 1', timeoutMs: 2000 },
    ]);
  });

  it('hands events to the run in seq order and drops the ones it has already seen', () => {
    const ctx = setup();
    ctx.factory.last.open();
    const handle = accept(ctx);
    expect(handle.executionId).toBe(EX);
    expect(ctx.handlers.accepted).toEqual([EX]);
    const socket = ctx.factory.last;
    socket.receive(started());
    socket.receive(output(2, 'a\n'));
    socket.receive(output(2, 'a\n'));
    socket.receive(started());
    socket.receive(output(3, 'b\n'));
    socket.receive(result(4));
    socket.receive(result(4));
    expect(ctx.seqs()).toEqual([1, 2, 3, 4]);
  });

  it('holds an early event back until the missing seq arrives', () => {
    const ctx = setup();
    ctx.factory.last.open();
    accept(ctx);
    const socket = ctx.factory.last;
    socket.receive(started());
    socket.receive(output(3, 'second\n'));
    socket.receive(result(4));
    expect(ctx.seqs()).toEqual([1]);
    socket.receive(output(2, 'first\n'));
    expect(ctx.seqs()).toEqual([1, 2, 3, 4]);
  });

  it('holds events that overtake their accepted and hands them over, in order, once it arrives', () => {
    const ctx = setup();
    ctx.factory.last.open();
    const handle = ctx.client.run({ language: 'javascript', code: '1' }, ctx.handlers);
    const socket = ctx.factory.last;
    socket.receive(output(2, 'early\n'));
    socket.receive(started());
    socket.receive(result(3));
    expect(ctx.seqs()).toEqual([]);
    socket.receive({ type: 'accepted', requestId: handle.requestId, executionId: EX, token: 'tok' });
    expect(ctx.seqs()).toEqual([1, 2, 3]);
    expect(ctx.events.at(-1)).toMatchObject({ type: 'result', status: 'succeeded' });
  });

  it('forgets events for an execution that is never accepted here, and keeps only a bounded number', () => {
    const ctx = setup({ gapMs: 1000 });
    ctx.factory.last.open();
    const socket = ctx.factory.last;
    socket.receive(started());
    vi.advanceTimersByTime(1001);
    // Held past gapMs, they are dropped when more arrive; a later accepted for them gets nothing old.
    for (let i = 0; i < 40; i++) socket.receive({ ...started(), executionId: `ex_other_${i}` });
    accept(ctx);
    expect(ctx.seqs()).toEqual([]);
    socket.receive(started());
    expect(ctx.seqs()).toEqual([1]);
  });

  it('skips a gap that never fills, so a result is not held back for longer than gapMs', () => {
    const ctx = setup({ gapMs: 1000 });
    ctx.factory.last.open();
    accept(ctx);
    const socket = ctx.factory.last;
    socket.receive(started());
    socket.receive(output(5, 'after the stored cap\n'));
    socket.receive(result(6));
    expect(ctx.seqs()).toEqual([1]);
    vi.advanceTimersByTime(999);
    expect(ctx.seqs()).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(ctx.seqs()).toEqual([1, 5, 6]);
    // Once the result is in, a late straggler is ignored.
    socket.receive(output(3, 'late\n'));
    expect(ctx.seqs()).toEqual([1, 5, 6]);
  });

  it('ignores events of executions it does not follow', () => {
    const ctx = setup();
    ctx.factory.last.open();
    accept(ctx);
    ctx.factory.last.receive({ ...output(1, 'x'), executionId: 'ex_other' });
    expect(ctx.events).toEqual([]);
  });

  it('reconnects with exponential backoff and jitter, capped at maxDelayMs', () => {
    const ctx = setup({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0 });
    // random() = 0 gives the shortest delay: half the ceiling.
    const expected = [50, 100, 200, 400, 500, 500];
    for (const delay of expected) {
      const count = ctx.factory.sockets.length;
      ctx.factory.last.drop();
      vi.advanceTimersByTime(delay - 1);
      expect(ctx.factory.sockets.length).toBe(count);
      vi.advanceTimersByTime(1);
      expect(ctx.factory.sockets.length).toBe(count + 1);
    }
  });

  it('spreads reconnects with jitter between half and all of the backoff ceiling', () => {
    const ctx = setup({ baseDelayMs: 1000, random: () => 0.999 });
    ctx.factory.last.drop();
    vi.advanceTimersByTime(998);
    expect(ctx.factory.sockets.length).toBe(1);
    vi.advanceTimersByTime(1);
    expect(ctx.factory.sockets.length).toBe(2);
  });

  it('says reconnecting after a drop and offline after several failed attempts, then connected again', () => {
    const ctx = setup({ baseDelayMs: 10, offlineAfter: 3 });
    ctx.factory.last.open();
    ctx.factory.last.drop();
    expect(ctx.client.state).toBe('reconnecting');
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(10_000);
      ctx.factory.last.drop();
    }
    expect(ctx.client.state).toBe('offline');
    vi.advanceTimersByTime(10_000);
    ctx.factory.last.open();
    expect(ctx.client.state).toBe('connected');
    expect(ctx.client.attempts).toBe(0);
  });

  it('resumes an unfinished execution with its token and the last seq it delivered', () => {
    const ctx = setup({ baseDelayMs: 10 });
    ctx.factory.last.open();
    accept(ctx);
    ctx.factory.last.receive(started());
    ctx.factory.last.receive(output(2, 'before\n'));
    ctx.factory.last.drop();
    vi.advanceTimersByTime(100);
    const second = ctx.factory.last;
    second.open();
    expect(second.sent).toEqual([{ action: 'resume', executionId: EX, token: 'tok', afterSeq: 2 }]);
    // The replay overlaps what was already shown: only the new part is delivered.
    second.receive(output(2, 'before\n'));
    second.receive(output(3, 'after\n'));
    second.receive(result(4));
    expect(ctx.seqs()).toEqual([1, 2, 3, 4]);
  });

  it('does not resume an execution that has finished', () => {
    const ctx = setup({ baseDelayMs: 10 });
    ctx.factory.last.open();
    accept(ctx);
    ctx.factory.last.receive(started());
    ctx.factory.last.receive(result(2));
    ctx.factory.last.drop();
    vi.advanceTimersByTime(100);
    ctx.factory.last.open();
    expect(ctx.factory.last.sent).toEqual([]);
  });

  it('sends a run again when the socket dropped before it was accepted', () => {
    const ctx = setup({ baseDelayMs: 10 });
    ctx.factory.last.open();
    const handle = ctx.client.run({ language: 'javascript', code: '1' }, ctx.handlers);
    ctx.factory.last.drop();
    vi.advanceTimersByTime(100);
    ctx.factory.last.open();
    expect(ctx.factory.last.sent).toEqual([
      { action: 'run', requestId: handle.requestId, language: 'javascript', code: '1' },
    ]);
  });

  it('keeps the first execution when a run sent twice is accepted twice', () => {
    const ctx = setup();
    ctx.factory.last.open();
    const handle = accept(ctx);
    ctx.factory.last.receive({ type: 'accepted', requestId: handle.requestId, executionId: 'ex_2', token: 't2' });
    expect(handle.executionId).toBe(EX);
  });

  it('sends cancel for an accepted run, and for one cancelled before its accepted arrived', () => {
    const ctx = setup();
    ctx.factory.last.open();
    const handle = ctx.client.run({ language: 'javascript', code: 'while(1);' }, ctx.handlers);
    handle.cancel();
    expect(ctx.factory.last.actions()).toEqual(['run']);
    ctx.factory.last.receive({ type: 'accepted', requestId: handle.requestId, executionId: EX, token: 'tok' });
    expect(ctx.factory.last.sent.at(-1)).toEqual({ action: 'cancel', executionId: EX });
    handle.cancel();
    expect(ctx.factory.last.actions()).toEqual(['run', 'cancel']);
  });

  it('reports a refused run to onRejected', () => {
    const ctx = setup();
    ctx.factory.last.open();
    const handle = ctx.client.run({ language: 'javascript', code: '1' }, ctx.handlers);
    const error = { code: 'rate_limited', message: 'slow down; retry in 2 s' };
    ctx.factory.last.receive({ type: 'rejected', requestId: handle.requestId, error });
    expect(ctx.handlers.rejected).toEqual([error]);
  });

  it('gives up on an execution whose resume is refused and says so', () => {
    const ctx = setup({ baseDelayMs: 10 });
    ctx.factory.last.open();
    accept(ctx);
    ctx.factory.last.drop();
    vi.advanceTimersByTime(100);
    ctx.factory.last.open();
    const error = { code: 'not_found', message: 'unknown execution' };
    ctx.factory.last.receive({ type: 'error', executionId: EX, error });
    expect(ctx.handlers.lost).toEqual([error]);
  });

  it('shares a snippet and loads one back by id', async () => {
    const ctx = setup();
    ctx.factory.last.open();
    const shared = ctx.client.share({ language: 'typescript', code: 'let a = 1', stdin: 'in' });
    const share = ctx.factory.last.sent.at(-1)!;
    expect(share).toMatchObject({ action: 'share', language: 'typescript', code: 'let a = 1', stdin: 'in' });
    ctx.factory.last.receive({ type: 'shared', requestId: share.requestId, snippetId: 'AbC123' });
    await expect(shared).resolves.toBe('AbC123');

    const loaded = ctx.client.load('AbC123');
    const load = ctx.factory.last.sent.at(-1)!;
    expect(load).toMatchObject({ action: 'load', snippetId: 'AbC123' });
    ctx.factory.last.receive({
      type: 'snippet',
      requestId: load.requestId,
      snippetId: 'AbC123',
      language: 'typescript',
      code: 'let a = 1',
    });
    await expect(loaded).resolves.toEqual({ snippetId: 'AbC123', language: 'typescript', code: 'let a = 1' });
  });

  it('rejects a load the service answers with an error, with its code', async () => {
    const ctx = setup();
    ctx.factory.last.open();
    const loaded = ctx.client.load('nope');
    const load = ctx.factory.last.sent.at(-1)!;
    ctx.factory.last.receive({ type: 'error', requestId: load.requestId, error: { code: 'not_found', message: 'snippet nope' } });
    await expect(loaded).rejects.toEqual(new RequestError('not_found', 'snippet nope'));
  });

  it('repeats a share request that was in flight when the socket dropped', async () => {
    const ctx = setup({ baseDelayMs: 10 });
    ctx.factory.last.open();
    const shared = ctx.client.share({ language: 'javascript', code: 'x' });
    ctx.factory.last.drop();
    vi.advanceTimersByTime(100);
    const socket = ctx.factory.last;
    socket.open();
    expect(socket.actions()).toEqual(['share']);
    socket.receive({ type: 'shared', requestId: socket.sent[0]!.requestId, snippetId: 'id1' });
    await expect(shared).resolves.toBe('id1');
  });

  it('fails a request that gets no answer in time', async () => {
    const ctx = setup({ requestTimeoutMs: 500 });
    ctx.factory.last.open();
    const loaded = ctx.client.load('slow');
    vi.advanceTimersByTime(500);
    await expect(loaded).rejects.toMatchObject({ code: 'timeout' });
  });

  it('sends keep-alive pings while connected', () => {
    const ctx = setup({ pingIntervalMs: 1000 });
    ctx.factory.last.open();
    vi.advanceTimersByTime(2500);
    expect(ctx.factory.last.actions()).toEqual(['ping', 'ping']);
  });

  it('survives frames that are not JSON or not messages', () => {
    const ctx = setup();
    ctx.factory.last.open();
    ctx.factory.last.onmessage?.({ data: 'not json' });
    ctx.factory.last.onmessage?.({ data: 'null' });
    ctx.factory.last.onmessage?.({ data: new ArrayBuffer(2) });
    ctx.factory.last.receive({ type: 'pong' });
    expect(ctx.client.state).toBe('connected');
  });

  it('stops reconnecting once closed, and close can be called twice', async () => {
    const ctx = setup({ baseDelayMs: 10 });
    ctx.factory.last.open();
    const pending = ctx.client.load('x');
    ctx.client.close();
    ctx.client.close();
    await expect(pending).rejects.toMatchObject({ code: 'closed' });
    vi.advanceTimersByTime(10_000);
    expect(ctx.factory.sockets.length).toBe(1);
    expect(ctx.client.state).toBe('offline');
  });

  it('reads the socket URL from an async source on every attempt', async () => {
    const url = vi.fn(async () => 'ws://from-config/ws');
    const ctx = setup({ url });
    await vi.waitFor(() => expect(ctx.factory.sockets.length).toBe(1));
    expect(ctx.factory.last.url).toBe('ws://from-config/ws');
  });
});
