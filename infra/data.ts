/**
 * Tables and queues, provisioned from the same definitions the local stack creates
 * (shared/src/resources.ts), so a key or a queue attribute cannot drift between a
 * laptop and AWS. Every table is on-demand (nothing to pay at rest but storage), with
 * TTL, point-in-time recovery and encryption at rest; the queues are standard queues
 * (a FIFO message group would serialize every execution) with SSE, and the main queue
 * hands repeated failures to the dead-letter queue, which the workers report as
 * `crashed`.
 */
import * as pulumi from '@pulumi/pulumi';
import * as aws from '@pulumi/aws';
import { QUEUES, TABLES, keyAttributes, type QueueDefinition, type TableDefinition } from '../shared/src/resources.ts';

export interface DataStoresArgs {
  /** Prefix of every physical name, e.g. `playground-dev`. */
  prefix: string;
  /** Refuse to delete tables (turn off before `pulumi destroy`). */
  deletionProtection: boolean;
  tags: Record<string, string>;
}

export type TableKey = keyof typeof TABLES;

export class DataStores extends pulumi.ComponentResource {
  readonly tables: Record<TableKey, aws.dynamodb.Table>;
  readonly queue: aws.sqs.Queue;
  readonly deadLetterQueue: aws.sqs.Queue;

  constructor(name: string, args: DataStoresArgs, opts?: pulumi.ComponentResourceOptions) {
    super('playground:infra:DataStores', name, {}, opts);
    const parent = { parent: this };

    const table = (def: TableDefinition) => {
      return new aws.dynamodb.Table(`${name}-${def.name}`, {
        name: `${args.prefix}-${def.name}`,
        billingMode: 'PAY_PER_REQUEST',
        hashKey: def.hashKey,
        ...(def.rangeKey ? { rangeKey: def.rangeKey } : {}),
        // Keys only (shared/src/resources.ts keyAttributes): DynamoDB refuses any other.
        attributes: keyAttributes(def),
        globalSecondaryIndexes: def.indexes.map((index) => ({
          name: index.name,
          keySchemas: [
            { attributeName: index.hashKey, keyType: 'HASH' },
            ...(index.rangeKey ? [{ attributeName: index.rangeKey, keyType: 'RANGE' }] : []),
          ],
          projectionType: 'ALL',
        })),
        ttl: { attributeName: def.ttlAttribute, enabled: true },
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true },
        deletionProtectionEnabled: args.deletionProtection,
        tags: args.tags,
      }, parent);
    };
    // Every defined table, so a table added to shared/src/resources.ts is deployed too.
    this.tables = Object.fromEntries((Object.keys(TABLES) as TableKey[]).map((key) => [key, table(TABLES[key])])) as Record<TableKey, aws.dynamodb.Table>;

    // Name prefixes, not names: a change that replaces a queue (FIFO, say) creates the
    // new one before deleting the old, and a fixed name would fail with "already exists".
    // Tables keep fixed names on purpose: replacing one would silently drop its data, so
    // a key change must fail loudly and be migrated (docs/operations.md).
    const queueArgs = (def: QueueDefinition): aws.sqs.QueueArgs => ({
      namePrefix: `${args.prefix}-${def.name}-`,
      visibilityTimeoutSeconds: def.visibilityTimeoutSeconds,
      maxMessageSize: def.maxMessageSizeBytes,
      messageRetentionSeconds: def.messageRetentionSeconds,
      receiveWaitTimeSeconds: def.receiveWaitSeconds,
      sqsManagedSseEnabled: true,
      tags: args.tags,
    });
    this.deadLetterQueue = new aws.sqs.Queue(`${name}-${QUEUES.deadLetters.name}`, queueArgs(QUEUES.deadLetters), parent);
    this.queue = new aws.sqs.Queue(`${name}-${QUEUES.executions.name}`, {
      ...queueArgs(QUEUES.executions),
      redrivePolicy: this.deadLetterQueue.arn.apply((deadLetterTargetArn) =>
        JSON.stringify({ deadLetterTargetArn, maxReceiveCount: QUEUES.executions.maxReceiveCount })),
    }, parent);
    // Only our queue may use the dead-letter queue as its redrive target.
    new aws.sqs.RedriveAllowPolicy(`${name}-dlq-allow`, {
      queueUrl: this.deadLetterQueue.url,
      redriveAllowPolicy: this.queue.arn.apply((arn) => JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [arn] })),
    }, parent);

    this.registerOutputs({
      tableNames: pulumi.all(Object.values(this.tables).map((t) => t.name)),
      queueUrl: this.queue.url,
      deadLetterQueueUrl: this.deadLetterQueue.url,
    });
  }
}
