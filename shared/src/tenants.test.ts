import { describe, expect, it } from 'vitest';
import { tenantOf } from './tenants.ts';

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
