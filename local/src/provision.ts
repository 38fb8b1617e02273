/**
 * Creates the tables and queues from the repo's shared definitions through the AWS
 * APIs, exactly as they are declared for the cloud. Idempotent: existing ones are kept.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QUEUES, TABLES, type QueueDefinition, type StoreConfig, type TableDefinition } from '@playground/shared';

async function ensureTable(db: DynamoDBClient, name: string, def: TableDefinition): Promise<void> {
  try {
    const attributes = new Map<string, 'S' | 'N'>([[def.hashKey, 'S']]);
    for (const index of def.indexes) {
      attributes.set(index.hashKey, index.hashKeyType);
      if (index.rangeKey) attributes.set(index.rangeKey, index.rangeKeyType ?? 'S');
    }
    await db.send(new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
      KeySchema: [{ AttributeName: def.hashKey, KeyType: 'HASH' }],
      ...(def.indexes.length ? {
        GlobalSecondaryIndexes: def.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.hashKey, KeyType: 'HASH' as const },
            ...(index.rangeKey ? [{ AttributeName: index.rangeKey, KeyType: 'RANGE' as const }] : []),
          ],
          Projection: { ProjectionType: 'ALL' as const },
        })),
      } : {}),
    }));
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  for (let i = 0; i < 100; i++) {
    const { Table } = await db.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await db.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true } }))
    .catch(() => undefined); // already enabled
}

function queueAttributes(def: QueueDefinition): Record<string, string> {
  return {
    VisibilityTimeout: String(def.visibilityTimeoutSeconds),
    MaximumMessageSize: String(def.maxMessageSizeBytes),
    MessageRetentionPeriod: String(def.messageRetentionSeconds),
    ReceiveMessageWaitTimeSeconds: String(def.receiveWaitSeconds),
  };
}

export interface ProvisionOptions {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  prefix?: string;
  /** Overrides the queue's visibility timeout (tests use seconds, not tens of them). */
  visibilityTimeoutSeconds?: number;
}

export async function provision(opts: ProvisionOptions): Promise<StoreConfig> {
  const { region, credentials } = opts;
  const prefix = opts.prefix ?? 'playground';
  const db = new DynamoDBClient({ region, credentials, endpoint: opts.dynamodbEndpoint });
  const sqs = new SQSClient({ region, credentials, endpoint: opts.sqsEndpoint });
  try {
    const tableName = (def: TableDefinition) => `${prefix}-${def.name}`;
    await Promise.all(Object.values(TABLES).map((def) => ensureTable(db, tableName(def), def)));
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-${QUEUES.deadLetters.name}`, Attributes: queueAttributes(QUEUES.deadLetters) }));
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    const main = await sqs.send(new CreateQueueCommand({
      QueueName: `${prefix}-${QUEUES.executions.name}`,
      Attributes: {
        ...queueAttributes(QUEUES.executions),
        ...(opts.visibilityTimeoutSeconds ? { VisibilityTimeout: String(opts.visibilityTimeoutSeconds) } : {}),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: QUEUES.executions.maxReceiveCount }),
      },
    }));
    // fauxqs names queues on a made-up host (sqs.<region>.<host>); the SDK routes by
    // queue URL, so point the URLs at the emulator's real address.
    const local = (queueUrl: string) => `${opts.sqsEndpoint}/${queueUrl.split('/').slice(-2).join('/')}`;
    return {
      region,
      executionsTable: tableName(TABLES.executions),
      connectionsTable: tableName(TABLES.connections),
      snippetsTable: tableName(TABLES.snippets),
      queueUrl: local(main.QueueUrl!),
      deadLetterQueueUrl: local(dlq.QueueUrl!),
    };
  } finally {
    db.destroy();
    sqs.destroy();
  }
}
