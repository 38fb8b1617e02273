import { describe, expect, it } from 'vitest';
import { ProtocolError } from '@playground/shared';
import { Budgets, Debt } from './budgets.ts';

describe('a debt of sandbox time', () => {
  // Budget 60 s per minute: it drains 1 ms per ms.
  it.each([
    ['nothing owed waits for nothing', [], 0, 0, 0],
    ['one 30 s run leaves room for another', [30_000], 0, 30_000, 0],
    ['two 30 s runs spend the budget: the next waits', [30_000, 30_000], 0, 60_000, 1],
    ['it drains continuously', [30_000, 30_000], 10_000, 50_000, 0],
    ['a charge past the budget waits for the excess to drain', [30_000, 30_000, 30_000], 0, 90_000, 30_001],
    ['half drained', [30_000, 30_000, 30_000], 15_000, 75_000, 15_001],
    ['a refund larger than the debt leaves nothing owed', [10_000, -50_000], 0, 0, 0],
    ['fully drained is nothing owed, not a credit', [10_000], 120_000, 0, 0],
  ])('%s', (_, charges, laterMs, level, wait) => {
    const debt = new Debt(60_000, 0);
    for (const ms of charges) debt.add(ms, 0);
    expect(debt.level(laterMs)).toBe(level);
    expect(debt.waitMs(laterMs)).toBe(wait);
  });

  it.each([
    ['a budget of 30 s a minute drains at half speed', 30_000, 40_000, 20_000, 30_000],
    ['a budget of 120 s a minute drains at double speed', 120_000, 150_000, 10_000, 130_000],
  ])('%s', (_, budget, charge, laterMs, level) => {
    const debt = new Debt(budget, 0);
    debt.add(charge, 0);
    expect(debt.level(laterMs)).toBe(level);
  });
});

describe('budgets per address and socket', () => {
  const setup = (settled = { gateway: 0, socket: 0 }, options = {}) => {
    let now = 0;
    const reads: string[] = [];
    const budgets = new Budgets({ sandboxMsPerMinutePerAddress: 60_000, sandboxMsPerMinutePerSocket: 60_000, ...options }, async (tenant) => {
      reads.push(tenant);
      return settled;
    }, () => now);
    return { budgets, reads, at: (ms: number) => (now = ms), settled };
  };
  const caller = (connectionId: string, sourceIp = '198.51.100.1') => ({ connectionId, sourceIp });
  const refusal = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      return err as ProtocolError;
    }
    throw new Error('expected a refusal');
  };

  it('charge a run its timeout at accept, with the tenant, and refuse past the budget naming it', async () => {
    const { budgets } = setup();
    expect(await budgets.charge(caller('a'), 30_000)).toEqual({ tenant: '198.51.100.1', charge: { gateway: budgets.gateway, ms: 30_000 } });
    await budgets.charge(caller('a'), 30_000);
    const err = await refusal(budgets.charge(caller('a'), 30_000));
    expect(err.code).toBe('rate_limited');
    expect(err.message).toMatch(/this socket used its 60 s of sandbox time per minute/);
    expect(err.retryAfterMs).toBe(1);
  });

  it('the address budget holds across sockets, and says so', async () => {
    const { budgets } = setup(undefined, { sandboxMsPerMinutePerSocket: 1_000_000 });
    await budgets.charge(caller('a'), 30_000);
    await budgets.charge(caller('b'), 30_000);
    const err = await refusal(budgets.charge(caller('c'), 30_000));
    expect(err.message).toMatch(/your address used its 60 s of sandbox time per minute/);
    // Another address is not affected.
    await budgets.charge(caller('d', '198.51.100.2'), 30_000);
  });

  it('a run with no timeout is charged the default timeout', async () => {
    const { budgets } = setup();
    expect((await budgets.charge(caller('a'), undefined)).charge.ms).toBe(5_000);
  });

  it('reads the settlements only when memory says over, then admits what really fits', async () => {
    const s = setup({ gateway: 0, socket: 0 });
    for (let i = 0; i < 12; i++) await s.budgets.charge(caller('a'), 5_000);
    expect(s.reads).toEqual([]);
    // The twelve ran 10 ms each: the workers settled 12 * (10 - 5000) ms.
    s.settled.gateway = s.settled.socket = 12 * (10 - 5_000);
    await s.budgets.charge(caller('a'), 5_000);
    expect(s.reads).toEqual(['198.51.100.1']);
  });

  it('reads a tenant at most once per settleReadEveryMs, and applies each settlement once', async () => {
    const s = setup({ gateway: 0, socket: 0 }, { settleReadEveryMs: 1_000 });
    await s.budgets.charge(caller('a'), 50_000);
    await s.budgets.charge(caller('a'), 50_000);
    await refusal(s.budgets.charge(caller('a'), 50_000));
    await refusal(s.budgets.charge(caller('a'), 50_000));
    expect(s.reads.length).toBe(1);
    // One run ended after 5 s: 45 s back, once, however often it is read.
    s.settled.gateway = s.settled.socket = -45_000;
    s.at(1_000);
    await s.budgets.charge(caller('a'), 50_000);
    expect(s.reads.length).toBe(2);
    s.at(1_500);
    await refusal(s.budgets.charge(caller('a'), 50_000));
    expect(s.reads.length).toBe(2);
    s.at(2_000);
    const err = await refusal(s.budgets.charge(caller('a'), 50_000));
    expect(s.reads.length).toBe(3);
    // 104 s owed at 1 s, drained 1 s: 103 s, 43 s over the budget.
    expect(err.retryAfterMs).toBe(43_001);
  });

  it('a refund gives a withdrawn run its charge back', async () => {
    const { budgets } = setup();
    await budgets.charge(caller('a'), 30_000);
    await budgets.charge(caller('a'), 30_000);
    budgets.refund(caller('a'), 30_000);
    await budgets.charge(caller('a'), 30_000);
  });
});
