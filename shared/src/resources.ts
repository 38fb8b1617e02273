/**
 * The tables and queues, defined once. The local stack creates them from these
 * definitions and the Pulumi program provisions them from the same ones, so a key or an
 * attribute cannot drift between a laptop and AWS.
 */

export interface IndexDefinition {
  name: string;
  hashKey: string;
  hashKeyType: 'S' | 'N';
  rangeKey?: string;
  rangeKeyType?: 'S' | 'N';
}

export interface TableDefinition {
  /** Logical name; deployed names add a stack prefix. */
  name: string;
  hashKey: string;
  /** The sort key, for a table whose items come in ordered groups under one hash key. */
  rangeKey?: string;
  rangeKeyType?: 'S' | 'N';
  /** Attribute holding the expiry in epoch seconds (DynamoDB TTL). */
  ttlAttribute: string;
  /** Global secondary indexes, if any (projection: all attributes). */
  indexes: ReadonlyArray<IndexDefinition>;
}

/**
 * The attributes a table must declare: its keys and its indexes' keys, no others
 * (DynamoDB refuses declarations of attributes no key uses). The local stack and the
 * Pulumi program both declare exactly these.
 */
export function keyAttributes(def: TableDefinition): Array<{ name: string; type: 'S' | 'N' }> {
  const attributes = new Map<string, 'S' | 'N'>([[def.hashKey, 'S']]);
  if (def.rangeKey) attributes.set(def.rangeKey, def.rangeKeyType ?? 'S');
  for (const index of def.indexes) {
    attributes.set(index.hashKey, index.hashKeyType);
    if (index.rangeKey) attributes.set(index.rangeKey, index.rangeKeyType ?? 'S');
  }
  return [...attributes].map(([name, type]) => ({ name, type }));
}

export const TABLES = {
  executions: {
    name: 'executions',
    hashKey: 'executionId',
    ttlAttribute: 'ttl',
    // Sparse: only unfinished executions carry `pendingOwner` (the socket that started
    // them). The gateway counts one socket's unfinished runs here for its cap, and the
    // recovery sweep reads the few unfinished ones, never the whole table.
    indexes: [{ name: 'byPendingOwner', hashKey: 'pendingOwner', hashKeyType: 'S', rangeKey: 'createdAt', rangeKeyType: 'N' }],
  },
  // A run's output as pieces of bounded size, appended as it is produced: each piece
  // holds one batch of numbered messages, keyed by the seq of its last message, so the
  // execution row stays small and `resume` reads the pieces after a seq in order.
  outputs: {
    name: 'outputs',
    hashKey: 'executionId',
    rangeKey: 'seq',
    rangeKeyType: 'N',
    ttlAttribute: 'ttl',
    indexes: [],
  },
  connections: {
    name: 'connections',
    hashKey: 'connectionId',
    ttlAttribute: 'ttl',
    indexes: [],
  },
  snippets: {
    name: 'snippets',
    hashKey: 'snippetId',
    ttlAttribute: 'ttl',
    indexes: [],
  },
  // One small item per tenant (source address, see tenants.ts): what its finished runs
  // really used against what the gateway charged (the budgets' settlement).
  tenants: {
    name: 'tenants',
    hashKey: 'tenant',
    ttlAttribute: 'ttl',
    indexes: [],
  },
} as const satisfies Record<string, TableDefinition>;

export interface QueueDefinition {
  name: string;
  /** Longer than the longest run plus its publishing, so a live run is not redelivered. */
  visibilityTimeoutSeconds: number;
  /** SQS allows 1 MiB; set explicitly everywhere. */
  maxMessageSizeBytes: number;
  messageRetentionSeconds: number;
  /** Deliveries before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  /** Long-poll wait of a receive. */
  receiveWaitSeconds: number;
}

export const QUEUES = {
  executions: {
    name: 'executions',
    // Short, because running executions extend it (heartbeat): a message whose worker
    // died comes back within this many seconds rather than after the longest run.
    visibilityTimeoutSeconds: 20,
    maxMessageSizeBytes: 1024 * 1024,
    messageRetentionSeconds: 4 * 24 * 3600,
    maxReceiveCount: 3,
    receiveWaitSeconds: 20,
  },
  deadLetters: {
    name: 'executions-dlq',
    visibilityTimeoutSeconds: 60,
    maxMessageSizeBytes: 1024 * 1024,
    messageRetentionSeconds: 14 * 24 * 3600,
    maxReceiveCount: 0,
    receiveWaitSeconds: 20,
  },
} as const satisfies Record<string, QueueDefinition>;

/**
 * The lease a worker holds on a running execution, renewed by its heartbeat along with
 * the message's visibility. A dead worker's run is taken over once both ran out.
 */
export const LEASE = {
  durationMs: 15_000,
  heartbeatMs: 5_000,
} as const;

export interface Timing {
  leaseMs: number;
  heartbeatMs: number;
  visibilityTimeoutSeconds: number;
}

export const DEFAULT_TIMING: Timing = {
  leaseMs: LEASE.durationMs,
  heartbeatMs: LEASE.heartbeatMs,
  visibilityTimeoutSeconds: QUEUES.executions.visibilityTimeoutSeconds,
};
