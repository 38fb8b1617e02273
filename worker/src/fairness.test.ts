import { describe, expect, it } from 'vitest';
import { deferDelaySeconds, mayStart } from './fairness.ts';

describe('the share rule', () => {
  const rule = { maxRunningPerTenant: 4, reservedSlots: 1 };
  it.each([
    ['a tenant running nothing takes any free slot, the reserved one too', 0, 0, true],
    ['a tenant running nothing takes a slot with others free', 0, 3, true],
    ['a tenant running something takes an unreserved slot', 2, 1, true],
    ['a tenant running something does not take the last (reserved) slot', 1, 0, false],
    ['a tenant at its share waits even with slots free', 4, 3, false],
    ['a tenant past its share waits', 9, 3, false],
    ['with no slot free here nobody starts, quiet or not', 0, -1, false],
  ])('%s', (_, tenantRunning, freeAfter, expected) => {
    expect(mayStart({ tenantRunning, freeAfter, ...rule })).toBe(expected);
  });

  it.each([
    ['with no reserved slots, a busy tenant may take the last slot', { maxRunningPerTenant: 4, reservedSlots: 0 }, 3, 0, true],
    ['with two reserved slots, a busy tenant leaves two free', { maxRunningPerTenant: 8, reservedSlots: 2 }, 3, 1, false],
    ['a share of one lets a tenant run one at a time', { maxRunningPerTenant: 1, reservedSlots: 1 }, 1, 3, false],
  ])('%s', (_, options, tenantRunning, freeAfter, expected) => {
    expect(mayStart({ tenantRunning, freeAfter, ...options })).toBe(expected);
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
