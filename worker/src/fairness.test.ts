import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { CROWDED_MS, Fairness, admissionOrder, defaultMaxRunning, deferDelaySeconds, mayStart, type FairnessOptions } from './fairness.ts';
import type { MessageDeleter } from './deletes.ts';
import type { Settlements } from './settlements.ts';

describe('the share rule', () => {
  const rule = { maxRunningPerTenant: 4, reservedSlots: 1 };
  it.each([
    ['a quiet tenant takes any free slot, the reserved one too', 0, 0, false, true],
    ['a tenant running nothing takes a slot with others free', 0, 3, false, true],
    ['a tenant running something takes an unreserved slot', 2, 1, false, true],
    ['a tenant running something does not take the last (reserved) slot', 1, 0, false, false],
    ['a crowding tenant running nothing here does not take the reserved slot', 0, 0, true, false],
    ['a crowding tenant still takes an unreserved slot', 0, 2, true, true],
    ['a tenant at its share waits even with slots free', 4, 3, false, false],
    ['a tenant past its share waits', 9, 3, false, false],
    ['with no slot free here nobody starts, quiet or not', 0, -1, false, false],
  ])('%s', (_, tenantRunning, freeAfter, crowded, expected) => {
    expect(mayStart({ tenantRunning, freeAfter, crowded, ...rule })).toBe(expected);
  });

  it.each([
    ['with no reserved slots, a busy tenant may take the last slot', { maxRunningPerTenant: 4, reservedSlots: 0 }, 3, 0, true],
    ['with two reserved slots, a busy tenant leaves two free', { maxRunningPerTenant: 8, reservedSlots: 2 }, 3, 1, false],
    ['a share of one lets a tenant run one at a time', { maxRunningPerTenant: 1, reservedSlots: 1 }, 1, 3, false],
  ])('%s', (_, options, tenantRunning, freeAfter, expected) => {
    expect(mayStart({ tenantRunning, freeAfter, crowded: false, ...options })).toBe(expected);
  });

  it.each([[1, 1], [2, 1], [4, 2], [5, 2], [16, 8]])('a worker of %i slots lets one tenant hold %i by default', (concurrency, share) => {
    expect(defaultMaxRunning(concurrency)).toBe(share);
  });
});

describe('how long a run over its share is put back for', () => {
  it.each([
    ['the first deferral of a tenant waits the base delay', 5, 1, 0, 5],
    ['a handful of deferrals wait about the same', 5, 4, 0, 5],
    ['every 4 more in 10 s add a second', 5, 9, 0, 7],
    ['a flood of 160 is spread over most of a minute', 5, 160, 0, 44],
    ['never more than a minute before jitter', 5, 10_000, 0, 60],
    ['jitter adds up to 2 s', 5, 1, 0.99, 7],
    ['a base of 0 with nothing recent comes back at once', 0, 1, 0, 0],
  ])('%s', (_, base, recent, random, seconds) => {
    expect(deferDelaySeconds(base, recent, random)).toBe(seconds);
  });
});

/** A worker's share rule with small fakes of SQS, the deletes and the settlements. */
function fairness(concurrency: number, options: Partial<FairnessOptions> = {}) {
  let now = 1_000_000;
  const requeued: Array<{ body: string; delay: number }> = [];
  /** Messages put back by visibility: each costs a receive. */
  const putBack: string[] = [];
  const settled: Array<{ tenant: string; usedMs: number }> = [];
  const sqs = {
    send: async (command: { input: { Entries?: Array<{ MessageBody: string; DelaySeconds: number }>; ReceiptHandle?: string; VisibilityTimeout?: number } }) => {
      for (const e of command.input.Entries ?? []) requeued.push({ body: e.MessageBody, delay: e.DelaySeconds });
      if (command.input.VisibilityTimeout !== undefined) putBack.push(command.input.ReceiptHandle!);
      return {};
    },
  } as unknown as SQSClient;
  const deletes = { delete: async () => {} } as unknown as MessageDeleter;
  const settlements = { add: (tenant: string, _charge: unknown, _c: string, usedMs: number) => settled.push({ tenant, usedMs }) } as unknown as Settlements;
  const f = new Fairness({ sqs, queueUrl: 'q', deletes, settlements, log: pino({ level: 'silent' }), concurrency, options, now: () => now });
  let n = 0;
  const message = (tenant: string, receives = 1): Message => ({ Body: `run ${tenant} ${++n}`, ReceiptHandle: `h${n}`, Attributes: { ApproximateReceiveCount: String(receives) } });
  return { f, requeued, putBack, settled, message, advance: (ms: number) => (now += ms) };
}

describe('a worker\'s share rule, as runs arrive', () => {
  it('a flood of one tenant takes half the slots, and the other half stays for others', async () => {
    const { f, message, requeued } = fairness(4);
    const tickets = [];
    for (let i = 0; i < 4; i++) tickets.push(await f.admit(message('10.0.0.1'), '10.0.0.1'));
    expect(tickets.filter((t) => t !== 'deferred')).toHaveLength(2);
    expect(requeued).toHaveLength(2);
    expect(await f.admit(message('10.0.0.2'), '10.0.0.2')).not.toBe('deferred');
    // The last slot is the reserved one: a quiet tenant takes it.
    expect(await f.admit(message('10.0.0.3'), '10.0.0.3')).not.toBe('deferred');
  });

  it('a tenant seen with two runs in one receive is kept out of the reserved slot, and a quiet one gets it', async () => {
    const { f, message } = fairness(2, { maxRunningPerTenant: 2 });
    f.noteReceived(['10.0.0.9', '10.0.0.1', '10.0.0.1', undefined]);
    expect(f.crowded('10.0.0.1')).toBe(true);
    expect(f.crowded('10.0.0.9')).toBe(false);
    // Slot one of two is unreserved: the crowding tenant may take it.
    expect(await f.admit(message('10.0.0.1'), '10.0.0.1')).not.toBe('deferred');
    // Its first run here, but it crowds the queue: no reserved slot.
    const second = fairness(2);
    second.f.noteReceived(['10.0.0.1', '10.0.0.1']);
    expect(await second.f.admit(second.message('10.0.0.5'), '10.0.0.5')).not.toBe('deferred');
    expect(await second.f.admit(second.message('10.0.0.1'), '10.0.0.1')).toBe('deferred');
    expect(await f.admit(message('10.0.0.9'), '10.0.0.9')).not.toBe('deferred');
  });

  it('a tenant put back for its share crowds for a while, then is quiet again', async () => {
    const { f, message, advance } = fairness(4, { maxRunningPerTenant: 1 });
    const held = await f.admit(message('10.0.0.1'), '10.0.0.1');
    expect(await f.admit(message('10.0.0.1'), '10.0.0.1')).toBe('deferred');
    expect(f.crowded('10.0.0.1')).toBe(true);
    (held as Exclude<typeof held, 'deferred'>).release();
    advance(CROWDED_MS + 1);
    expect(f.crowded('10.0.0.1')).toBe(false);
  });

  it('a person running one thing after another is never crowding, and each run settles what it used', async () => {
    const { f, message, settled, advance } = fairness(1);
    for (let i = 0; i < 5; i++) {
      f.noteReceived(['10.0.0.7']);
      const ticket = await f.admit(message('10.0.0.7'), '10.0.0.7');
      expect(ticket).not.toBe('deferred');
      await (ticket as Exclude<typeof ticket, 'deferred'>).hold({ tenant: '10.0.0.7', connectionId: 'c', charge: { gateway: 'g', ms: 5000 } }, async (done) => {
        advance(12);
        done({ status: 'succeeded' });
      });
      (ticket as Exclude<typeof ticket, 'deferred'>).release();
    }
    expect(f.crowded('10.0.0.7')).toBe(false);
    expect(settled).toEqual(Array.from({ length: 5 }, () => ({ tenant: '10.0.0.7', usedMs: 12 })));
  });

  it('a run whose sandbox died is not settled: it is retried and settled where it ends', async () => {
    const { f, message, settled } = fairness(2);
    const ticket = await f.admit(message('10.0.0.1'), '10.0.0.1');
    await (ticket as Exclude<typeof ticket, 'deferred'>).hold({ tenant: '10.0.0.1', connectionId: 'c', charge: { gateway: 'g', ms: 5000 } }, async (done) => done({ status: 'crashed' }));
    expect(settled).toEqual([]);
  });

  it('a retried run takes the free slot before fresh runs of the same receive, which go back as copies at no receive\'s cost', async () => {
    // Regression: admission follows the order it is asked in, all in one turn; a retry
    // behind a fresh run found no slot and went back by visibility, a receive each time,
    // so twice behind fresh runs sent it to the dead-letter queue as `crashed`.
    const { f, message, putBack, requeued } = fairness(2);
    expect(await f.admit(message('10.0.0.1'), '10.0.0.1')).not.toBe('deferred');
    const fresh = { message: message('10.0.0.2'), tenant: '10.0.0.2' };
    const retry = { message: message('10.0.0.3', 2), tenant: '10.0.0.3' };
    // As the worker starts a receive: every admission asked for before any is awaited.
    const asked = admissionOrder([fresh, retry]).map((r) => ({ r, ticket: f.admit(r.message, r.tenant) }));
    const outcomes = new Map(await Promise.all(asked.map(async ({ r, ticket }) => [r, await ticket] as const)));
    expect(outcomes.get(retry)).not.toBe('deferred');
    expect(outcomes.get(fresh)).toBe('deferred');
    expect(putBack).toEqual([]);
    expect(requeued.map((q) => q.body)).toEqual([fresh.message.Body]);
  });

  it('a receive keeps its order apart from the retries put first', () => {
    const at = (receives: number, id: string) => ({ id, message: { Attributes: { ApproximateReceiveCount: String(receives) } } as Message });
    expect(admissionOrder([at(1, 'a'), at(3, 'b'), at(1, 'c'), at(2, 'd'), { id: 'e', message: {} as Message }]).map((r) => r.id)).toEqual(['b', 'd', 'a', 'c', 'e']);
  });

  it('crowding tenants seen long ago are forgotten as new ones come, even on a worker that defers nothing', () => {
    // Regression: only a deferral pruned the crowding tenants, so a worker with room
    // to spare remembered every address ever seen with two runs in one receive.
    const { f, advance } = fairness(64);
    for (let i = 0; i < 1500; i++) f.noteReceived([`10.1.${i >> 8}.${i & 255}`, `10.1.${i >> 8}.${i & 255}`]);
    expect(f.remembered).toBe(1500);
    advance(CROWDED_MS + 1);
    f.noteReceived(['10.0.0.1', '10.0.0.1']);
    expect(f.remembered).toBe(1);
  });

  it('with the share rule off, a worker remembers no crowding tenants', () => {
    const { f } = fairness(3, { enabled: false });
    f.noteReceived(['a', 'a', 'b', 'b']);
    expect(f.remembered).toBe(0);
  });

  it('with the share rule off, runs start in queue order up to every slot', async () => {
    const { f, message } = fairness(3, { enabled: false });
    f.noteReceived(['a', 'a', 'a']);
    for (let i = 0; i < 3; i++) expect(await f.admit(message('a'), 'a')).not.toBe('deferred');
  });
});
