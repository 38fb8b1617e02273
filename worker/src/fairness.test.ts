import { describe, expect, it } from 'vitest';
import { mayStart } from './fairness.ts';

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
