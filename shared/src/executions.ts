/**
 * The executions table and its output pieces: one small row per execution (the run,
 * its status, lease and result), the single source of truth that the gateway writes,
 * the worker claims and finishes, and `resume` replays from; and the outputs table,
 * where a running execution appends its numbered messages in pieces of bounded size.
 * Every transition of the row is a conditional write, so duplicates and races cannot
 * run a program twice or write a final status twice. The row never grows with output:
 * a run's store writes and bytes follow its output, not its duration.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { LIMITS } from './limits.ts';
import type { ExecutionEvent, Language, ResultMessage, Status } from './protocol.ts';
import type { QueuedRun } from './queue.ts';
import type { Charge } from './tenants.ts';

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
  /**
   * The seq reserved by the last claim, then (at each lease renewal and at the end) the
   * last seq stored. Messages stored after the last renewal may be beyond it: see
   * `lastStoredSeq`.
   */
  lastSeq: number;
  /** The messages written with the final status (the last outputs and the result), as JSON. */
  tail?: string[];
  /** Rows written before output moved to the outputs table kept their messages here. */
  events?: string[];
  result?: ResultMessage;
  /** Present while unfinished (= ownerConnectionId): the key of the sparse index. */
  pendingOwner?: string;
  /** When the recovery sweep last enqueued it again. */
  requeuedAt?: number;
  /** Set on the row of a run the gateway took back before answering (see `withdraw`). */
  withdrawn?: boolean;
  /** Who the run counts against (tenants.ts); absent on rows from before it was added. */
  tenant?: string;
  /** The sandbox time the gateway charged at accept, settled by the worker at the end. */
  charge?: Charge;
  ttl: number;
}

/** What a running execution's watch reads: where to deliver (after a resume), and whether to stop. */
export type ExecutionSignals = Partial<Pick<ExecutionItem, 'connectionId' | 'cancelRequested'>>;

/** The key of an execution's signals item in the outputs table: below every piece's seq. */
export const SIGNALS_SEQ = 0;

export const PENDING_INDEX = 'byPendingOwner';

export const isFinal = (status: ExecutionStatus): status is Status => status !== 'queued' && status !== 'running';

export const ttlFrom = (nowMs: number): number => Math.floor(nowMs / 1000) + LIMITS.retentionSeconds;

/**
 * Most bytes of messages (as JSON, in UTF-8) one output piece or the final row's tail
 * holds. DynamoDB counts an item in UTF-8 bytes, names included, up to 400 KB; a row
 * is at most code and stdin (64 KiB each) plus the result (one frame, 32 KiB) plus this.
 */
export const MAX_PIECE_BYTES = 96 * 1024;

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

/**
 * True for a write the store refuses for what it holds (too large, invalid), which
 * no retry can change: the run must end instead.
 */
export const isRefusedWrite = (err: unknown): boolean =>
  err instanceof Error && (err.name === 'ValidationException' || err.name === 'ItemCollectionSizeLimitExceededException');

/** Messages as stored JSON, grouped in order into pieces of at most MAX_PIECE_BYTES (a larger message stands alone). */
export function toPieces(events: readonly ExecutionEvent[]): Array<{ lastSeq: number; json: string[]; bytes: number }> {
  const pieces: Array<{ lastSeq: number; json: string[]; bytes: number }> = [];
  for (const event of events) {
    const json = JSON.stringify(event);
    const bytes = Buffer.byteLength(json);
    const last = pieces[pieces.length - 1];
    if (last && last.bytes + bytes <= MAX_PIECE_BYTES) {
      last.json.push(json);
      last.bytes += bytes;
      last.lastSeq = event.seq;
    } else {
      pieces.push({ lastSeq: event.seq, json: [json], bytes });
    }
  }
  return pieces;
}

const parseAll = (json: readonly string[] | undefined): ExecutionEvent[] => (json ?? []).map((j) => JSON.parse(j) as ExecutionEvent);

export class ExecutionStore {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  readonly outputsTable: string;

  constructor(client: DynamoDBDocumentClient, table: string, outputsTable: string) {
    this.client = client;
    this.table = table;
    this.outputsTable = outputsTable;
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
        attempt: 0, createdAt: now, finishedAt: now, lastSeq: 0, ttl: ttlFrom(now),
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
        ...run, ownerConnectionId: run.connectionId, pendingOwner: run.connectionId, ttl: ttlFrom(run.createdAt),
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
   * Renews this worker's lease on a running execution, noting the last seq it stored so
   * far. False when the lease was lost (another worker took the run over, or it ended).
   */
  async renewLease(executionId: string, owner: string, now: number, leaseMs: number, storedSeq: number): Promise<boolean> {
    const out = await ifConditionHolds(this.client.send(new UpdateCommand({
      TableName: this.table,
      Key: { executionId },
      UpdateExpression: 'SET leaseExpiresAt = :lease, lastSeq = :seq',
      ConditionExpression: '#s = :running AND leaseOwner = :owner',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':lease': now + leaseMs, ':seq': storedSeq, ':owner': owner, ':running': 'running' },
    })));
    return out !== undefined;
  }

  /**
   * What a running execution's watch needs: a resume's new connection and a cancel. They
   * live, besides the row, in a small item of their own (seq 0 in the outputs table,
   * below every piece), so the watch's frequent read costs one read unit, not the row's
   * size with its code and stdin. Undefined while neither happened.
   */
  async signals(executionId: string): Promise<ExecutionSignals | undefined> {
    const out = await this.client.send(new GetCommand({
      TableName: this.outputsTable,
      Key: { executionId, seq: SIGNALS_SEQ },
      ConsistentRead: true,
    }));
    return out.Item as ExecutionSignals | undefined;
  }

  /** Writes a signal into the small item the watch reads (after the row: see `rebind`). */
  async #signal(executionId: string, values: Partial<ExecutionSignals>, now: number): Promise<void> {
    const names = Object.keys(values);
    await this.client.send(new UpdateCommand({
      TableName: this.outputsTable,
      Key: { executionId, seq: SIGNALS_SEQ },
      UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :v${i}`).join(', ')}, #ttl = :ttl`,
      ExpressionAttributeNames: { ...Object.fromEntries(names.map((n, i) => [`#a${i}`, n])), '#ttl': 'ttl' },
      ExpressionAttributeValues: { ...Object.fromEntries(names.map((n, i) => [`:v${i}`, values[n as keyof ExecutionSignals]])), ':ttl': ttlFrom(now) },
    }));
  }

  /**
   * Appends messages of a running execution as pieces of the outputs table. A piece is
   * never overwritten: two writers of the same seq (a worker that lost its lease and
   * the one that took over) cannot both succeed, and the loser gets false.
   */
  async appendOutput(executionId: string, events: readonly ExecutionEvent[], now: number): Promise<boolean> {
    const ttl = ttlFrom(now);
    const written = await Promise.all(toPieces(events).map((piece) => ifConditionHolds(this.client.send(new PutCommand({
      TableName: this.outputsTable,
      Item: { executionId, seq: piece.lastSeq, events: piece.json, ttl },
      ConditionExpression: 'attribute_not_exists(seq)',
    })))));
    return written.every((out) => out !== undefined);
  }

  /** The seq of the last stored piece of an execution, or 0 when none is stored. */
  async lastPieceSeq(executionId: string): Promise<number> {
    const out = await this.client.send(new QueryCommand({
      TableName: this.outputsTable,
      KeyConditionExpression: 'executionId = :id',
      ExpressionAttributeValues: { ':id': executionId },
      ScanIndexForward: false,
      Limit: 1,
      ProjectionExpression: 'seq',
      ConsistentRead: true,
    }));
    return (out.Items?.[0] as { seq?: number } | undefined)?.seq ?? 0;
  }

  /**
   * The last seq an execution used: the row's, or a stored piece's beyond it (pieces
   * stored after the last lease renewal). A result written for it takes the next one.
   */
  async lastStoredSeq(item: Pick<ExecutionItem, 'executionId' | 'lastSeq'>): Promise<number> {
    return Math.max(item.lastSeq, await this.lastPieceSeq(item.executionId));
  }

  /**
   * Every stored message of an execution after `afterSeq`, in seq order, each seq once:
   * its pieces, then what was written with its final status.
   */
  async storedEvents(item: Pick<ExecutionItem, 'executionId' | 'tail' | 'events'>, afterSeq = 0): Promise<ExecutionEvent[]> {
    const bySeq = new Map<number, ExecutionEvent>();
    const keep = (events: ExecutionEvent[]) => {
      for (const e of events) if (e.seq > afterSeq && !bySeq.has(e.seq)) bySeq.set(e.seq, e);
    };
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({
        TableName: this.outputsTable,
        // Pieces are keyed by their last seq: those after afterSeq hold every later message.
        KeyConditionExpression: 'executionId = :id AND seq > :after',
        ExpressionAttributeValues: { ':id': item.executionId, ':after': afterSeq },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }));
      for (const piece of page.Items ?? []) keep(parseAll(piece.events as string[] | undefined));
      start = page.LastEvaluatedKey;
    } while (start);
    keep(parseAll(item.events));
    keep(parseAll(item.tail));
    return [...bySeq.values()].sort((x, y) => x.seq - y.seq);
  }

  /**
   * Writes the final status once, with the messages that end the run (the last outputs
   * and the result; outputs beyond one piece are appended as pieces first). `expect`
   * says which states may end here: a worker ends its own running lease; the gateway
   * ends a queued one (cancel); the dead-letter consumer ends anything not yet final.
   * Returns the final item (naming the connection to tell), or undefined when it was
   * already final or another worker holds it.
   */
  async finish(
    executionId: string,
    result: ResultMessage,
    outputs: readonly ExecutionEvent[],
    now: number,
    expect: { owner: string } | { fromQueued: true } | { anyUnfinished: true },
  ): Promise<ExecutionItem | undefined> {
    let tail = [...outputs, result].map((e) => JSON.stringify(e));
    if (tail.reduce((n, json) => n + Buffer.byteLength(json), 0) > MAX_PIECE_BYTES) {
      // Rare (a large last batch): keep the row within the item limit.
      if (!(await this.appendOutput(executionId, outputs, now))) return undefined;
      tail = [JSON.stringify(result)];
    }
    const values: Record<string, unknown> = { ':status': result.status, ':result': result, ':now': now, ':seq': result.seq, ':tail': tail };
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
      UpdateExpression: 'SET #s = :status, #r = :result, finishedAt = :now, lastSeq = :seq, tail = :tail REMOVE leaseOwner, leaseExpiresAt, pendingOwner',
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
    // A scan of the sparse index reads unfinished executions only, page by page (a page
    // stops at 1 MB, before the filter, so one page may hold none of them).
    const found: ExecutionItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new ScanCommand({
        TableName: this.table,
        IndexName: PENDING_INDEX,
        FilterExpression: 'createdAt < :cutoff AND (#s = :queued OR (#s = :running AND leaseExpiresAt < :now)) AND (attribute_not_exists(requeuedAt) OR requeuedAt < :cutoff)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':cutoff': cutoff, ':queued': 'queued', ':running': 'running', ':now': now },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }));
      found.push(...((page.Items ?? []) as ExecutionItem[]));
      start = page.LastEvaluatedKey;
    } while (start && found.length < limit);
    return found.slice(0, limit);
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

  /**
   * Points live delivery at another connection (resume); returns the item as it now is.
   * The row first (the final write reads it), then the signal the watch reads, and only
   * then may the caller read what is stored: a watch that still saw the old connection
   * looked before this call returned, so what was stored before that look is replayed.
   */
  async rebind(executionId: string, connectionId: string): Promise<ExecutionItem | undefined> {
    const item = await this.#set(executionId, { connectionId });
    if (item && !isFinal(item.status)) await this.#signal(executionId, { connectionId }, Date.now());
    return item;
  }

  async requestCancel(executionId: string): Promise<void> {
    const item = await this.#set(executionId, { cancelRequested: true });
    if (item && !isFinal(item.status)) await this.#signal(executionId, { cancelRequested: true }, Date.now());
  }
}
