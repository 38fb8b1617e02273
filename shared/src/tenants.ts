/**
 * Tenants: who a run is charged to and counted against when slots are shared. A tenant
 * is a source address, because that is what a second socket or a new tab cannot change.
 * IPv6 groups by /64: one subscriber usually gets a /64 (often more), and any host in
 * it can pick a fresh address per socket, so a per-address tenant would be free to
 * multiply. An IPv4-mapped IPv6 address is its IPv4 address.
 *
 * The tenants table holds one small item per tenant (TenantStore): `g_<gatewayId>` and
 * `s_<connectionId>`, what finished runs really used minus what the gateway charged when
 * it accepted them (ms, cumulative, usually negative), per gateway process and per
 * socket. Workers add to it in batches (worker/src/settlements.ts); a gateway reads it
 * only when its own estimate says the tenant is over budget (gateway/src/budgets.ts).
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isIPv4 } from 'node:net';

/**
 * The tenant of a source address: IPv4 as is, IPv6 by its /64 prefix. A caller whose
 * address is not known (a socket injected in tests, a missing header) is 'unknown'.
 */
export function tenantOf(sourceIp: string | undefined): string {
  const ip = (sourceIp ?? '').trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIPv4(ip) || !ip.includes(':')) return ip || 'unknown';
  const [head = '', tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  const prefix = groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16));
  while (prefix.length < 4) prefix.push('0');
  return `${prefix.join(':')}::/64`;
}

/** What the gateway charged a run when it accepted it: carried to the worker that settles it. */
export interface Charge {
  /** The gateway process that charged it (its budgets hold the charge). */
  gateway: string;
  /** Provisional sandbox time charged, ms. */
  ms: number;
}

/** Cumulative adjustments (actual - charged, ms) of one tenant, as one gateway reads them. */
export interface Settlements {
  gateway: number;
  socket: number;
}

const gatewayAttr = (gateway: string) => `g_${gateway}`;
const socketAttr = (connectionId: string) => `s_${connectionId}`;
const TENANT_TTL_SECONDS = 24 * 3600;

/**
 * The most attributes one settlement write adds to. DynamoDB refuses an expression over
 * 4 KB (about 300 `#aN :aN` pairs) and counts at most 300 operators in one; a worker's
 * quarter of a second can end runs of more sockets of one address than that (a script
 * opening a socket per run, or a school behind one address).
 */
export const MAX_SETTLEMENTS_PER_WRITE = 100;

/** What finished runs of one tenant used beyond their charges (ms), per gateway and per socket. */
export interface Adjustments {
  gateways: Map<string, number>;
  sockets: Map<string, number>;
}

export class TenantStore {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  constructor(client: DynamoDBDocumentClient, table: string) {
    this.client = client;
    this.table = table;
  }

  /**
   * Adds finished runs' adjustments to the tenant's item: one atomic write for all of
   * them, so a batch of runs settles at the cost of one; more than
   * `MAX_SETTLEMENTS_PER_WRITE` gateways and sockets take a write per that many. The
   * writes go together and each settles its part whatever the others do; the first
   * error is thrown once all have answered.
   */
  async settle(tenant: string, adjustments: Adjustments, now: number): Promise<void> {
    const adds: Array<[string, number]> = [
      ...[...adjustments.gateways].map(([gateway, ms]): [string, number] => [gatewayAttr(gateway), ms]),
      ...[...adjustments.sockets].map(([connectionId, ms]): [string, number] => [socketAttr(connectionId), ms]),
    ];
    const writes: Array<Promise<unknown>> = [];
    for (let from = 0; from < adds.length; from += MAX_SETTLEMENTS_PER_WRITE) {
      const part = adds.slice(from, from + MAX_SETTLEMENTS_PER_WRITE);
      const names: Record<string, string> = { '#ttl': 'ttl' };
      const values: Record<string, unknown> = { ':ttl': Math.floor(now / 1000) + TENANT_TTL_SECONDS };
      part.forEach(([attr, ms], i) => {
        names[`#a${i}`] = attr;
        values[`:a${i}`] = Math.round(ms);
      });
      writes.push(this.client.send(new UpdateCommand({
        TableName: this.table, Key: { tenant },
        UpdateExpression: `SET #ttl = :ttl ADD ${part.map((_, i) => `#a${i} :a${i}`).join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      })));
    }
    const failed = (await Promise.allSettled(writes)).find((w) => w.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** The cumulative adjustments one gateway's charges to this tenant and socket received. */
  async settlements(tenant: string, gateway: string, connectionId: string): Promise<Settlements> {
    const out = await this.client.send(new GetCommand({
      TableName: this.table, Key: { tenant }, ConsistentRead: true,
      ProjectionExpression: '#g, #s',
      ExpressionAttributeNames: { '#g': gatewayAttr(gateway), '#s': socketAttr(connectionId) },
    }));
    const item = out.Item ?? {};
    return { gateway: Number(item[gatewayAttr(gateway)] ?? 0), socket: Number(item[socketAttr(connectionId)] ?? 0) };
  }
}
