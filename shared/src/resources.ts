/**
 * The tables and queues, defined once. The local stack creates them from these
 * definitions and the Pulumi program provisions them from the same ones, so a key or an
 * attribute cannot drift between a laptop and AWS.
 */
import { LIMITS } from './limits.ts';

export interface TableDefinition {
  /** Logical name; deployed names add a stack prefix. */
  name: string;
  hashKey: string;
  /** Attribute holding the expiry in epoch seconds (DynamoDB TTL). */
  ttlAttribute: string;
  /** Global secondary indexes, if any. */
  indexes: ReadonlyArray<{ name: string; hashKey: string; rangeKey?: string }>;
}

export const TABLES = {
  executions: {
    name: 'executions',
    hashKey: 'executionId',
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
    visibilityTimeoutSeconds: Math.ceil(LIMITS.timeoutMs.max / 1000) + 30,
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

/** The lease a worker holds on a running execution; renewed by its heartbeat. */
export const LEASE = {
  durationMs: 15_000,
  heartbeatMs: 5_000,
} as const;
