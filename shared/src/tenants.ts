/**
 * Tenants: who a run is charged to and counted against when slots are shared. A tenant
 * is a source address, because that is what a second socket or a new tab cannot change.
 * IPv6 groups by /64: one subscriber usually gets a /64 (often more), and any host in
 * it can pick a fresh address per socket, so a per-address tenant would be free to
 * multiply. An IPv4-mapped IPv6 address is its IPv4 address.
 *
 * The tenants table holds one small item per tenant (TenantStore):
 * - `running`: a string set with one element per run holding a slot anywhere in the
 *   fleet, `<expiresAtMs>|<executionId>`: added at claim, deleted at the end. An element
 *   whose worker died is ignored once its expiry (claim + the run's timeout + slack)
 *   has passed, so a crash cannot penalise a tenant for long.
 * - `g_<gatewayId>` and `s_<connectionId>`: what finished runs really used minus what
 *   the gateway charged when it accepted them (ms, cumulative, usually negative), per
 *   gateway process and per socket. A gateway reads it only when its own estimate says
 *   the tenant is over budget (gateway/src/budgets.ts).
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isIPv4 } from 'node:net';
import { ifConditionHolds } from './executions.ts';

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

/** How long past its timeout a run's slot can still be held (start, publishing, the end). */
export const RUNNING_SLACK_MS = 30_000;

const gatewayAttr = (gateway: string) => `g_${gateway}`;
const socketAttr = (connectionId: string) => `s_${connectionId}`;
const TENANT_TTL_SECONDS = 24 * 3600;

export class TenantStore {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  constructor(client: DynamoDBDocumentClient, table: string) {
    this.client = client;
    this.table = table;
  }

  /** The element a run holds in `running` from its claim to its end. */
  static slot(executionId: string, claimedAt: number, timeoutMs: number): string {
    return `${claimedAt + timeoutMs + RUNNING_SLACK_MS}|${executionId}`;
  }

  /** How many runs of this tenant hold a slot anywhere now (elements not yet expired). */
  async running(tenant: string, now: number): Promise<number> {
    const out = await this.client.send(new GetCommand({ TableName: this.table, Key: { tenant }, ProjectionExpression: 'running' }));
    const set = out.Item?.running as Set<string> | undefined;
    let n = 0;
    const expired = new Set<string>();
    for (const element of set ?? []) {
      if (Number(element.split('|')[0]) > now) n++;
      else expired.add(element);
    }
    // A dead worker's slots: dropped, so the tenant counts as running nothing again
    // (startedIfIdle needs the set gone). Best effort: the next read tries again.
    if (expired.size > 0) {
      this.client.send(new UpdateCommand({ TableName: this.table, Key: { tenant }, UpdateExpression: 'DELETE running :gone', ExpressionAttributeValues: { ':gone': expired } })).catch(() => {});
    }
    return n;
  }

  async started(tenant: string, slot: string, now: number): Promise<void> {
    await this.client.send(new UpdateCommand({
      TableName: this.table, Key: { tenant },
      UpdateExpression: 'ADD running :slot SET #ttl = :ttl',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':slot': new Set([slot]), ':ttl': Math.floor(now / 1000) + TENANT_TTL_SECONDS },
    }));
  }

  /**
   * Adds a slot only if the tenant holds none (an absent set: DynamoDB removes a set
   * with its last element). False when it holds one: it is not a quiet tenant after all.
   */
  async startedIfIdle(tenant: string, slot: string, now: number): Promise<boolean> {
    const out = await ifConditionHolds(this.client.send(new UpdateCommand({
      TableName: this.table, Key: { tenant },
      UpdateExpression: 'ADD running :slot SET #ttl = :ttl',
      ConditionExpression: 'attribute_not_exists(running)',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':slot': new Set([slot]), ':ttl': Math.floor(now / 1000) + TENANT_TTL_SECONDS },
    })));
    return out !== undefined;
  }

  /**
   * A run gave its slot back: one write removes it from `running` and, for a run the
   * gateway charged, adds what it used beyond (or, mostly, short of) the charge.
   */
  async ended(tenant: string, slot: string, now: number, settle?: { charge: Charge; connectionId: string; usedMs: number }): Promise<void> {
    const names: Record<string, string> = { '#ttl': 'ttl' };
    const values: Record<string, unknown> = { ':slot': new Set([slot]), ':ttl': Math.floor(now / 1000) + TENANT_TTL_SECONDS };
    let add = '';
    if (settle) {
      names['#g'] = gatewayAttr(settle.charge.gateway);
      names['#s'] = socketAttr(settle.connectionId);
      values[':adj'] = Math.round(settle.usedMs - settle.charge.ms);
      add = ' ADD #g :adj, #s :adj';
    }
    await this.client.send(new UpdateCommand({
      TableName: this.table, Key: { tenant },
      UpdateExpression: `DELETE running :slot SET #ttl = :ttl${add}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }));
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
