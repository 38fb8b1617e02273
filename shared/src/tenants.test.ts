import { describe, expect, it } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MAX_SETTLEMENTS_PER_WRITE, TenantStore, tenantOf } from './tenants.ts';

describe('the tenant of a source address', () => {
  it.each([
    ['an IPv4 address is its own tenant', '203.0.113.7', '203.0.113.7'],
    ['an IPv4-mapped IPv6 address is its IPv4 address', '::ffff:203.0.113.7', '203.0.113.7'],
    ['an IPv6 address groups by its /64', '2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['another host of the same /64 is the same tenant', '2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['the next /64 is another tenant', '2001:db8:1:3::1', '2001:db8:1:3::/64'],
    ['leading zeros and case do not matter', '2001:0DB8:0001:0002::1', '2001:db8:1:2::/64'],
    ['a compressed prefix expands', '2001:db8::1', '2001:db8:0:0::/64'],
    ['loopback', '::1', '0:0:0:0::/64'],
    ['an empty address is one tenant, not none', '', 'unknown'],
  ])('%s', (_, ip, tenant) => {
    expect(tenantOf(ip)).toBe(tenant);
  });
});

describe('a caller whose address is unknown', () => {
  it('is the tenant "unknown", never an error (regression: every run of such a caller answered internal)', () => {
    expect(tenantOf(undefined)).toBe('unknown');
    expect(tenantOf('')).toBe('unknown');
  });
});

describe('settling finished runs with their tenant', () => {
  /** A TenantStore over a fake client that keeps each update it is sent. */
  function store() {
    const updates: Array<{ UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> }> = [];
    const client = { send: async (command: { input: (typeof updates)[number] }) => void updates.push(command.input) } as unknown as DynamoDBDocumentClient;
    return { tenants: new TenantStore(client, 'tenants'), updates };
  }

  /** What the updates add to each attribute, by its name. */
  function added(updates: ReturnType<typeof store>['updates']): Map<string, number> {
    const sums = new Map<string, number>();
    for (const u of updates) {
      for (const [, name, value] of u.UpdateExpression.matchAll(/(#a\d+) (:a\d+)/g)) {
        const attr = u.ExpressionAttributeNames[name!]!;
        sums.set(attr, (sums.get(attr) ?? 0) + (u.ExpressionAttributeValues[value!] as number));
      }
    }
    return sums;
  }

  it('a few runs settle in one write', async () => {
    const { tenants, updates } = store();
    await tenants.settle('10.0.0.1', { gateways: new Map([['g', -4000]]), sockets: new Map([['c1', -3000], ['c2', -1000]]) }, 0);
    expect(updates).toHaveLength(1);
    expect(added(updates)).toEqual(new Map([['g_g', -4000], ['s_c1', -3000], ['s_c2', -1000]]));
  });

  it('runs of many sockets are split over writes that each stay within DynamoDB\'s expression limits, and every socket is settled once', async () => {
    // Regression: one write per tenant named every socket, and past about 300 of them
    // the expression outgrew DynamoDB's 4 KB, so the whole batch failed and stayed charged.
    const { tenants, updates } = store();
    const sockets = new Map(Array.from({ length: 450 }, (_, i) => [`Zx8kQ2mVPHcCF${i}=`, -1 - i]));
    await tenants.settle('10.0.0.1', { gateways: new Map([['g1', -10], ['g2', -20]]), sockets }, 0);
    expect(updates.length).toBeGreaterThan(1);
    for (const u of updates) {
      expect(Buffer.byteLength(u.UpdateExpression)).toBeLessThanOrEqual(4096);
      expect(u.UpdateExpression.match(/#a\d+ :a\d+/g)!.length).toBeLessThanOrEqual(MAX_SETTLEMENTS_PER_WRITE);
    }
    const sums = added(updates);
    expect(sums.size).toBe(452);
    expect(sums.get('g_g2')).toBe(-20);
    for (const [connectionId, ms] of sockets) expect(sums.get(`s_${connectionId}`)).toBe(ms);
  });
});
