/**
 * The publisher against small fakes of the store and of delivery: what is stored, in
 * which pieces, and what each connection is sent, for the cases the real stack cannot
 * easily produce (a store that refuses, a rebind between a write and its post).
 */
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { unbatch, type ExecutionEvent, type ResultMessage, type ServerMessage } from '@playground/shared';
import type { ExecutionItem, ExecutionSignals, ExecutionStore } from '@playground/shared/executions';
import type { Delivery } from '@playground/shared/delivery';
import { Publisher, RESULT_NOT_STORED, type StopReason } from './publisher.ts';

const refused = () => Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' });

class FakeStore {
  pieces: ExecutionEvent[][] = [];
  finished: { result: ResultMessage; outputs: ExecutionEvent[] } | undefined;
  signals: ExecutionSignals = {};
  refuseAppendAfter = Infinity;
  refuseFinish = 0;

  async appendOutput(_id: string, events: readonly ExecutionEvent[]): Promise<boolean> {
    if (this.pieces.length >= this.refuseAppendAfter) throw refused();
    this.pieces.push([...events]);
    return true;
  }

  async finish(_id: string, result: ResultMessage, outputs: readonly ExecutionEvent[]): Promise<ExecutionItem | undefined> {
    if (this.refuseFinish > 0) {
      this.refuseFinish -= 1;
      throw refused();
    }
    this.finished = { result, outputs: [...outputs] };
    return { ...item, connectionId: this.signals.connectionId ?? item.connectionId, status: result.status };
  }

  async getSignals(): Promise<ExecutionSignals> {
    return this.signals;
  }
}

class FakeDelivery {
  sent: Array<{ connectionId: string; seq: number; type: string }> = [];
  frames = 0;
  async post(connectionId: string, message: ServerMessage): Promise<'sent'> {
    this.frames += 1;
    for (const event of unbatch(message) as ExecutionEvent[]) this.sent.push({ connectionId, seq: event.seq, type: event.type });
    return 'sent';
  }
}

const item: ExecutionItem = {
  executionId: 'ex', tokenHash: 'h', connectionId: 'c1', ownerConnectionId: 'c1', language: 'javascript', code: '', stdin: '',
  timeoutMs: 5000, memoryMb: 64, status: 'running', attempt: 1, createdAt: 0, lastSeq: 1, leaseOwner: 'w1', ttl: 0,
};

function publisherWith(store: FakeStore, delivery: FakeDelivery, overrides: Partial<ConstructorParameters<typeof Publisher>[0]> = {}) {
  const stops: StopReason[] = [];
  const executions = { appendOutput: store.appendOutput.bind(store), finish: store.finish.bind(store), signals: store.getSignals.bind(store) } as unknown as ExecutionStore;
  const publisher = new Publisher({
    item: { ...item, leaseExpiresAt: Date.now() + 15_000 }, startSeq: 1, owner: 'w1', executions, delivery: delivery as unknown as Delivery,
    log: pino({ level: 'silent' }), leaseMs: 15_000, onStop: (reason) => stops.push(reason), batchMs: 1, startedHoldMs: 1, firstBatchMs: 1, ...overrides,
  });
  return { publisher, stops };
}

const body = { type: 'result', status: 'succeeded', stats: { wallMs: 1, cpuMs: 1, queuedMs: 0 }, truncated: false } as const;
const until = async (done: () => boolean) => {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
};

describe('the publisher', () => {
  it('sends a run that ends within the batching window as one frame: started, output and result', async () => {
    const store = new FakeStore();
    const delivery = new FakeDelivery();
    const { publisher } = publisherWith(store, delivery, { batchMs: 50, startedHoldMs: 50, firstBatchMs: 50 });
    publisher.started(0);
    publisher.output({ stream: 'stdout', data: 'hello\n' });
    expect(await publisher.finish(body)).toBe(true);
    expect(delivery.frames).toBe(1);
    expect(delivery.sent.map((s) => [s.type, s.seq])).toEqual([['started', 1], ['output', 2], ['result', 3]]);
    expect(store.pieces).toEqual([]);
  });

  it('sends started alone once the batching window passes with nothing to go with it', async () => {
    const store = new FakeStore();
    const delivery = new FakeDelivery();
    const { publisher } = publisherWith(store, delivery, { startedHoldMs: 5 });
    publisher.started(0);
    await until(() => delivery.sent.length === 1);
    expect(delivery.sent).toEqual([{ connectionId: 'c1', seq: 1, type: 'started' }]);
    await publisher.finish(body);
    expect(delivery.frames).toBe(2);
  });

  it('stores started with the first piece and numbers output and result after it', async () => {
    const store = new FakeStore();
    const delivery = new FakeDelivery();
    const { publisher } = publisherWith(store, delivery);
    publisher.started(0);
    publisher.output({ stream: 'stdout', data: 'a\n' });
    await until(() => store.pieces.length === 1);
    expect(store.pieces[0]!.map((e) => [e.type, e.seq])).toEqual([['started', 1], ['output', 2]]);
    expect(await publisher.finish(body)).toBe(true);
    expect(store.finished?.result.seq).toBe(3);
    expect(delivery.sent.map((s) => s.seq)).toEqual([1, 2, 3]);
  });

  it('makes one write at a time: output arriving during a write goes into the next piece', async () => {
    const store = new FakeStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const append = store.appendOutput.bind(store);
    store.appendOutput = async (id, events) => {
      await gate;
      return append(id, events);
    };
    const { publisher } = publisherWith(store, new FakeDelivery());
    publisher.output({ stream: 'stdout', data: 'first\n' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    for (let i = 0; i < 100; i++) publisher.output({ stream: 'stdout', data: `${i}\n` });
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    await until(() => store.pieces.length === 2);
    await publisher.finish(body);
    expect(store.pieces).toHaveLength(2);
    expect(store.pieces[1]!.map((e) => (e as { data: string }).data).join('')).toBe(Array.from({ length: 100 }, (_, i) => `${i}\n`).join(''));
  });

  it('ends a run whose output the store refuses as output_exceeded, numbered right after what was stored', async () => {
    const store = new FakeStore();
    store.refuseAppendAfter = 1;
    const delivery = new FakeDelivery();
    const { publisher, stops } = publisherWith(store, delivery);
    publisher.started(0);
    publisher.output({ stream: 'stdout', data: 'kept\n' });
    await until(() => store.pieces.length === 1);
    publisher.output({ stream: 'stdout', data: 'refused\n' });
    await until(() => stops.length === 1);
    expect(stops).toEqual(['output_refused']);
    expect(publisher.refused).toBe(true);
    expect(await publisher.finish({ ...body, status: 'output_exceeded', truncated: true })).toBe(true);
    expect(store.finished?.result).toMatchObject({ seq: 3, status: 'output_exceeded' });
    expect(delivery.sent.map((s) => s.seq)).toEqual([1, 2, 3]);
  });

  it('replaces a result the store refuses with a small one that says so, never a retry', async () => {
    const store = new FakeStore();
    store.refuseFinish = 1;
    const delivery = new FakeDelivery();
    const { publisher } = publisherWith(store, delivery);
    publisher.started(0);
    publisher.output({ stream: 'stdout', data: 'x\n' });
    expect(await publisher.finish({ ...body, value: 'x'.repeat(1000) })).toBe(true);
    // The output of the refused write was never stored, so it is not sent; started is.
    expect(store.finished?.result).toMatchObject({ seq: 2, status: 'output_exceeded', error: RESULT_NOT_STORED, truncated: true });
    expect(store.finished?.result.value).toBeUndefined();
    expect(store.finished?.outputs.map((e) => e.type)).toEqual(['started']);
    expect(delivery.sent.map((s) => [s.type, s.seq])).toEqual([['started', 1], ['result', 2]]);
  });

  it('sends what was stored since the last watch again to the connection a resume moved delivery to', async () => {
    const store = new FakeStore();
    const delivery = new FakeDelivery();
    const { publisher } = publisherWith(store, delivery);
    publisher.started(0);
    publisher.output({ stream: 'stdout', data: 'seen by the watch\n' });
    await until(() => store.pieces.length === 1);
    await publisher.watch();
    publisher.output({ stream: 'stdout', data: 'stored after the watch\n' });
    await until(() => store.pieces.length === 2);
    store.signals = { ...store.signals, connectionId: 'c2' };
    await publisher.watch();
    await publisher.finish(body);
    const to = (c: string) => delivery.sent.filter((s) => s.connectionId === c).map((s) => s.seq);
    expect(to('c1')).toEqual([1, 2, 3]);
    // Seq 3 may also be in the resume's replay; clients keep each seq once.
    expect(to('c2')).toEqual([3, 4]);
  });

  it('keeps delivering to the new connection when a post to the old one comes back gone after the rebind', async () => {
    // Regression: the late `gone` marked the new connection gone and delivery stopped.
    const store = new FakeStore();
    const delivery = new FakeDelivery();
    let answerOld!: () => void;
    const oldAnswered = new Promise<void>((resolve) => (answerOld = resolve));
    const post = delivery.post.bind(delivery);
    const gone: string[] = [];
    delivery.post = async (connectionId, message) => {
      if (connectionId === 'c1') {
        await oldAnswered;
        return 'gone' as 'sent';
      }
      return post(connectionId, message);
    };
    const { publisher } = publisherWith(store, delivery, { onGone: (c) => gone.push(c) });
    publisher.started(0);
    // started goes out alone after its hold, and its post to c1 hangs.
    await new Promise((resolve) => setTimeout(resolve, 20));
    store.signals = { ...store.signals, connectionId: 'c2' };
    await publisher.watch();
    answerOld();
    publisher.output({ stream: 'stdout', data: 'after\n' });
    await until(() => store.pieces.length === 1);
    await publisher.finish(body);
    expect(gone).toEqual(['c1']);
    expect(delivery.sent.filter((s) => s.connectionId === 'c2').map((s) => s.type)).toEqual(['output', 'result']);
  });

  it('stops on a watch that finds the run cancelled, and not before', async () => {
    const store = new FakeStore();
    const a = publisherWith(store, new FakeDelivery());
    await a.publisher.watch();
    expect(a.stops).toEqual([]);
    store.signals = { cancelRequested: true };
    await a.publisher.watch();
    expect(a.stops).toEqual(['cancelled']);
  });

  it('stores nothing once its lease is within a third of its end, and stops', async () => {
    const store = new FakeStore();
    const { publisher, stops } = publisherWith(store, new FakeDelivery(), { item: { ...item, leaseExpiresAt: Date.now() + 4_000 } });
    publisher.output({ stream: 'stdout', data: 'late\n' });
    await until(() => stops.length === 1);
    expect(stops).toEqual(['lease_lost']);
    expect(store.pieces).toEqual([]);
    publisher.renewed(Date.now());
  });
});

describe('the watch', () => {
  it.each([[0, 100], [1_999, 100], [2_000, 400], [29_000, 400]])('%d ms into a run looks every %d ms', async (elapsed, interval) => {
    const { watchInterval } = await import('./attempt.ts');
    expect(watchInterval(elapsed)).toBe(interval);
  });
});
