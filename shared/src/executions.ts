/**
 * The executions table: one item per execution, the single source of truth that the
 * gateway writes, the worker claims and finishes, and `resume` replays from. Every
 * transition is a conditional write, so duplicates and races cannot run a program twice
 * or write a final status twice.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { LIMITS } from './limits.ts';
import type { ExecutionEvent, Language, ResultMessage, Status } from './protocol.ts';
import type { QueuedRun } from './queue.ts';

export type ExecutionStatus = 'queued' | 'running' | Status;

export interface ExecutionItem {
  executionId: string;
  tokenHash: string;
  /** Where live delivery goes; `resume` moves it. */
  connectionId: string;
  /** The socket that started it, whose slot it holds until it is final. */
  ownerConnectionId: string;
  language: Language;
  code: string;
  stdin: string;
  timeoutMs: number;
  memoryMb: number;
  status: ExecutionStatus;
  attempt: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  leaseOwner?: string;
  leaseExpiresAt?: number;
  /** Set by the owner's `cancel`; the worker running it polls for it. */
  cancelRequested?: boolean;
  /** The seq of the last message of this execution, sent or not. */
  lastSeq: number;
  /** Stored messages for `resume`, as JSON, up to maxStoredOutputBytes. */
  events: string[];
  storedBytes: number;
  result?: ResultMessage;
  /** Present while unfinished (= ownerConnectionId): the key of the sparse index. */
  pendingOwner?: string;
  /** When the recovery sweep last enqueued it again. */
  requeuedAt?: number;
  /** Set on the row of a run the gateway took back before answering (see `withdraw`). */
  withdrawn?: boolean;
  ttl: number;
}

export const PENDING_INDEX = 'byPendingOwner';

export const isFinal = (status: ExecutionStatus): status is Status => status !== 'queued' && status !== 'running';

export const ttlFrom = (nowMs: number): number => Math.floor(nowMs / 1000) + LIMITS.retentionSeconds;

/**
 * The outcome of a conditional write, or undefined when its condition did not hold
 * (someone else got there first): an expected answer, not an error.
 */
export async function ifConditionHolds<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return undefined;
    throw err;
  }
}

/** The messages that still fit under the stored cap; the result is always kept, since resume must be able to end a run. */
function keepWithinCap(events: ExecutionEvent[], storedBytes: number): { kept: string[]; bytes: number } {
  const kept: string[] = [];
  let bytes = storedBytes;
  for (const event of events) {
    const json = JSON.stringify(event);
    if (event.type === 'result' || bytes + json.length <= LIMITS.maxStoredOutputBytes) {
      kept.push(json);
      bytes += json.length;
    }
  }
  return { kept, bytes };
}

export class ExecutionStore {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;

  constructor(client: DynamoDBDocumentClient, table: string) {
    this.client = client;
    this.table = table;
  }

  /**
   * One conditional UpdateItem on an execution: the new item, or undefined when the
   * condition did not hold (someone else got there first).
   */
  async #update(executionId: string, params: Omit<UpdateCommandInput, 'TableName' | 'Key' | 'ReturnValues'>): Promise<ExecutionItem | undefined> {
    const out = await ifConditionHolds(this.client.send(new UpdateCommand({ ...params, TableName: this.table, Key: { executionId }, ReturnValues: 'ALL_NEW' })));
    return out?.Attributes as ExecutionItem | undefined;
  }

  /**
   * Writes the row of a run just accepted. False when the row is already there: the
   * message went out beside this write and a worker's claim created it first.
   */
  async create(item: ExecutionItem): Promise<boolean> {
    const out = await ifConditionHolds(this.client.send(new PutCommand({
      TableName: this.table,
      Item: { ...item, pendingOwner: item.ownerConnectionId },
      ConditionExpression: 'attribute_not_exists(executionId)',
    })));
    return out !== undefined;
  }

  /**
   * Takes back a run the gateway will not accept after all (its socket was full, or a
   * write failed), while no worker has claimed it: the row becomes a final tombstone,
   * so a message already sent finds nothing to run and cannot create the row again.
   * False when a worker claimed it first: the run is under way.
   */
  async withdraw(executionId: string, connectionId: string, now: number): Promise<boolean> {
    const out = await ifConditionHolds(this.client.send(new PutCommand({
      TableName: this.table,
      Item: {
        executionId, connectionId, ownerConnectionId: connectionId, status: 'cancelled', withdrawn: true,
        attempt: 0, createdAt: now, finishedAt: now, lastSeq: 0, events: [], storedBytes: 0, ttl: ttlFrom(now),
      },
      ConditionExpression: 'attribute_not_exists(executionId) OR #s = :queued',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':queued': 'queued' },
    })));
    return out !== undefined;
  }

  async get(executionId: string): Promise<ExecutionItem | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.table, Key: { executionId }, ConsistentRead: true }));
    return out.Item as ExecutionItem | undefined;
  }

  /**
   * Moves a queued execution (or a running one whose lease expired: its worker died) to
   * `running` under this worker's lease. Returns the item, or undefined when someone
   * else holds it or it is already final. With the queue message's `run`, a row that
   * does not exist yet (the gateway's write is still on its way) is created from it;
   * the gateway's own write then finds it there and leaves it alone.
   */
  async claim(executionId: string, owner: string, now: number, leaseMs: number, run?: QueuedRun): Promise<ExecutionItem | undefined> {
    const names: Record<string, string> = { '#s': 'status' };
    const values: Record<string, unknown> = { ':running': 'running', ':queued': 'queued', ':one': 1, ':owner': owner, ':lease': now + leaseMs, ':now': now };
    // lastSeq moves on by one for this attempt's `started`, reserved before it is sent.
    const sets = ['#s = :running', 'leaseOwner = :owner', 'leaseExpiresAt = :lease', 'startedAt = :now'];
    if (run) {
      const seed: Record<string, unknown> = {
        ...run, ownerConnectionId: run.connectionId, pendingOwner: run.connectionId, events: [], storedBytes: 0, ttl: ttlFrom(run.createdAt),
      };
      Object.entries(seed).forEach(([field, value], i) => {
        names[`#f${i}`] = field;
        values[`:f${i}`] = value;
        sets.push(`#f${i} = if_not_exists(#f${i}, :f${i})`);
      });
      values[':zero'] = 0;
      sets.push('attempt = if_not_exists(attempt, :zero) + :one', 'lastSeq = if_not_exists(lastSeq, :zero) + :one');
    } else {
      sets.push('attempt = attempt + :one', 'lastSeq = lastSeq + :one');
    }
    const claimable = '#s = :queued OR (#s = :running AND leaseExpiresAt < :now)';
    return this.#update(executionId, {
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: run ? `attribute_not_exists(executionId) OR ${claimable}` : `attribute_exists(executionId) AND (${claimable})`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }

  /**
   * Records messages sent for a run this worker holds: advances lastSeq and stores them
   * for `resume` while they fit under the stored cap. Also renews the lease. Returns
   * the current item (for the latest connection and cancel flag), or undefined when the
   * lease was lost.
   */
  async record(executionId: string, owner: string, events: ExecutionEvent[], now: number, leaseMs: number, storedBytes: number): Promise<ExecutionItem | undefined> {
    const lastSeq = events.length ? events[events.length - 1]!.seq : undefined;
    const { kept, bytes } = keepWithinCap(events, storedBytes);
    const sets = ['leaseExpiresAt = :lease', 'storedBytes = :bytes', 'events = list_append(events, :events)'];
    const values: Record<string, unknown> = { ':lease': now + leaseMs, ':bytes': bytes, ':events': kept, ':owner': owner, ':running': 'running' };
    if (lastSeq !== undefined) {
      sets.push('lastSeq = :seq');
      values[':seq'] = lastSeq;
    }
    return this.#update(executionId, {
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: '#s = :running AND leaseOwner = :owner',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: values,
    });
  }

  /**
   * Writes the final status once. `expect` says which states may end here: a worker
   * ends its own running lease; the gateway ends a queued one (cancel); the dead-letter
   * consumer ends anything not yet final. Returns the final item (naming the connection
   * to tell), or undefined when it was already final or another worker holds it.
   */
  async finish(
    executionId: string,
    result: ResultMessage,
    events: ExecutionEvent[],
    storedBytes: number,
    now: number,
    expect: { owner: string } | { fromQueued: true } | { anyUnfinished: true },
  ): Promise<ExecutionItem | undefined> {
    const { kept, bytes } = keepWithinCap(events, storedBytes);
    const values: Record<string, unknown> = {
      ':status': result.status, ':result': result, ':now': now, ':seq': result.seq, ':events': kept, ':bytes': bytes,
    };
    let condition: string;
    if ('owner' in expect) {
      condition = '#s = :running AND leaseOwner = :owner';
      values[':owner'] = expect.owner;
      values[':running'] = 'running';
    } else if ('fromQueued' in expect) {
      condition = '#s = :queued';
      values[':queued'] = 'queued';
    } else {
      condition = '#s IN (:queued, :running)';
      values[':queued'] = 'queued';
      values[':running'] = 'running';
    }
    return this.#update(executionId, {
      UpdateExpression: 'SET #s = :status, #r = :result, finishedAt = :now, lastSeq = :seq, events = list_append(events, :events), storedBytes = :bytes REMOVE leaseOwner, leaseExpiresAt, pendingOwner',
      ConditionExpression: `attribute_exists(executionId) AND ${condition}`,
      ExpressionAttributeNames: { '#s': 'status', '#r': 'result' },
      ExpressionAttributeValues: values,
    });
  }

  /**
   * Gives up this worker's lease without finishing (the sandbox died under the run), so
   * the next delivery of the message can claim it at once.
   */
  async release(executionId: string, owner: string): Promise<void> {
    await this.#update(executionId, {
      UpdateExpression: 'SET leaseExpiresAt = :zero',
      ConditionExpression: '#s = :running AND leaseOwner = :owner',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':zero': 0, ':running': 'running', ':owner': owner },
    });
  }

  /**
   * Unfinished executions created before `cutoff` that nothing is working on: queued
   * (their message may be lost) or running under an expired lease (their worker died and
   * the message may be lost too). The sweep enqueues them again; claims make that safe.
   */
  async stranded(now: number, cutoff: number, limit = 100): Promise<ExecutionItem[]> {
    // A scan of the sparse index reads unfinished executions only.
    const out = await this.client.send(new ScanCommand({
      TableName: this.table,
      IndexName: PENDING_INDEX,
      FilterExpression: 'createdAt < :cutoff AND (#s = :queued OR (#s = :running AND leaseExpiresAt < :now)) AND (attribute_not_exists(requeuedAt) OR requeuedAt < :cutoff)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':cutoff': cutoff, ':queued': 'queued', ':running': 'running', ':now': now },
    }));
    return ((out.Items ?? []) as ExecutionItem[]).slice(0, limit);
  }

  /**
   * How many executions one socket started before `before` that are not final yet. The
   * index is eventually consistent in DynamoDB, so a cap built on it is a soft one.
   */
  async countPending(ownerConnectionId: string, before: number): Promise<number> {
    const out = await this.client.send(new QueryCommand({
      TableName: this.table,
      IndexName: PENDING_INDEX,
      KeyConditionExpression: 'pendingOwner = :o AND createdAt < :before',
      ExpressionAttributeValues: { ':o': ownerConnectionId, ':before': before },
      Select: 'COUNT',
    }));
    return out.Count ?? 0;
  }

  /** Sets attributes of an execution that exists; the new item, or undefined if it is gone. */
  #set(executionId: string, values: Record<string, unknown>): Promise<ExecutionItem | undefined> {
    const names = Object.keys(values);
    return this.#update(executionId, {
      UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(executionId)',
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])),
      ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, values[n]])),
    });
  }

  async markRequeued(executionId: string, now: number): Promise<void> {
    await this.#set(executionId, { requeuedAt: now });
  }

  /** Points live delivery at another connection (resume); returns the item as it now is. */
  rebind(executionId: string, connectionId: string): Promise<ExecutionItem | undefined> {
    return this.#set(executionId, { connectionId });
  }

  async requestCancel(executionId: string): Promise<void> {
    await this.#set(executionId, { cancelRequested: true });
  }
}
