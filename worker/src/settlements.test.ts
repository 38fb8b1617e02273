import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { Settlements } from './settlements.ts';
import type { Adjustments } from '@playground/shared/tenants';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function store(fail = false) {
  const writes: Array<{ tenant: string; gateways: Record<string, number>; sockets: Record<string, number> }> = [];
  return {
    writes,
    settle: async (tenant: string, adj: Adjustments) => {
      writes.push({ tenant, gateways: Object.fromEntries(adj.gateways), sockets: Object.fromEntries(adj.sockets) });
      if (fail) throw new Error('throttled');
    },
  };
}

describe('settling finished runs with their tenants', () => {
  it('a settlement after a quiet spell is written at once', async () => {
    const s = store();
    const settlements = new Settlements(s, log, { gapMs: 10_000 });
    settlements.add('t1', { gateway: 'g', ms: 5000 }, 'c1', 20);
    await sleep(20);
    expect(s.writes).toEqual([{ tenant: 't1', gateways: { g: -4980 }, sockets: { c1: -4980 } }]);
  });

  it('runs that end within the gap are added up into one write per tenant', async () => {
    const s = store();
    const settlements = new Settlements(s, log, { gapMs: 10_000 });
    settlements.add('t1', { gateway: 'g', ms: 5000 }, 'c1', 20);
    await sleep(20);
    settlements.add('t1', { gateway: 'g', ms: 5000 }, 'c1', 10);
    settlements.add('t1', { gateway: 'g', ms: 30_000 }, 'c2', 40_000);
    settlements.add('t2', { gateway: 'h', ms: 1000 }, 'c3', 1000);
    await sleep(20);
    expect(s.writes).toHaveLength(1);
    await settlements.drain();
    expect(s.writes.slice(1)).toEqual([
      { tenant: 't1', gateways: { g: 5010 }, sockets: { c1: -4990, c2: 10_000 } },
      { tenant: 't2', gateways: { h: 0 }, sockets: { c3: 0 } },
    ]);
    expect(settlements.rounds).toBe(2);
  });

  it('a write the store refuses is logged, never thrown, and the next settlement is written', async () => {
    const s = store(true);
    const settlements = new Settlements(s, log, { gapMs: 1 });
    settlements.add('t1', { gateway: 'g', ms: 5000 }, 'c1', 20);
    await settlements.drain();
    await sleep(5);
    settlements.add('t1', { gateway: 'g', ms: 5000 }, 'c1', 30);
    await settlements.drain();
    expect(s.writes.map((w) => w.gateways.g)).toEqual([-4980, -4970]);
  });

  it('a drain with nothing waiting returns at once', async () => {
    const settlements = new Settlements(store(), log);
    await settlements.drain();
    expect(settlements.rounds).toBe(0);
  });
});
