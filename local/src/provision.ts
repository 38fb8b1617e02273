/**
 * Creates the tables and queues from the repo's shared definitions through the AWS
 * APIs, exactly as they are declared for the cloud. Idempotent: existing ones are kept
 * with their items, and a kept table whose indexes differ is brought to the definition.
 */
import {
  BatchWriteItemCommand, CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, ResourceNotFoundException, ScanCommand,
  UpdateTimeToLiveCommand, type AttributeValue, type BatchWriteItemCommandInput, type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QUEUES, TABLES, keyAttributes, type IndexDefinition, type QueueDefinition, type TableDefinition } from '@playground/shared/resources';
import type { StoreConfig } from '@playground/shared/config';

function attributeDefinitions(def: TableDefinition) {
  return keyAttributes(def).map(({ name, type }) => ({ AttributeName: name, AttributeType: type }));
}

function indexSchema(index: IndexDefinition) {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.hashKey, KeyType: 'HASH' as const },
      ...(index.rangeKey ? [{ AttributeName: index.rangeKey, KeyType: 'RANGE' as const }] : []),
    ],
    Projection: { ProjectionType: 'ALL' as const },
  };
}

async function waitActive(db: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  for (let i = 0; i < 250; i++) {
    const { Table } = await db.send(new DescribeTableCommand({ TableName: name }));
    const indexesReady = (Table?.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesReady) return Table;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

async function createTable(db: DynamoDBClient, name: string, def: TableDefinition): Promise<void> {
  await db.send(new CreateTableCommand({
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeDefinitions(def),
    KeySchema: [
      { AttributeName: def.hashKey, KeyType: 'HASH' },
      ...(def.rangeKey ? [{ AttributeName: def.rangeKey, KeyType: 'RANGE' as const }] : []),
    ],
    ...(def.indexes.length ? { GlobalSecondaryIndexes: def.indexes.map(indexSchema) } : {}),
  }));
}

async function rebuild(db: DynamoDBClient, name: string, def: TableDefinition): Promise<void> {
  const items: Array<Record<string, AttributeValue>> = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: name, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  await db.send(new DeleteTableCommand({ TableName: name }));
  // Deletion finishes after the call returns (dynalite too, a timer later): wait for it.
  for (let i = 0; i < 250; i++) {
    const gone = await db.send(new DescribeTableCommand({ TableName: name })).then(() => false, (err: unknown) => err instanceof ResourceNotFoundException);
    if (gone) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await createTable(db, name, def);
  await waitActive(db, name);
  for (let i = 0; i < items.length; i += 25) {
    let pending: BatchWriteItemCommandInput['RequestItems'] = { [name]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) };
    while (pending && Object.keys(pending).length) {
      pending = (await db.send(new BatchWriteItemCommand({ RequestItems: pending }))).UnprocessedItems;
    }
  }
}

async function ensureTable(db: DynamoDBClient, name: string, def: TableDefinition): Promise<void> {
  try {
    await createTable(db, name, def);
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  // A table kept in .data/ by an older version may have other indexes. DynamoDB would
  // change them in place (UpdateTable), but dynalite accepts such an update and ignores
  // it, so the table is rebuilt: its items are read, the table made anew, the items
  // written back. Local data is small; the cloud's tables are Pulumi's business.
  const table = await waitActive(db, name);
  const existing = (table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName).sort().join(',');
  const wanted = def.indexes.map((i) => i.name).sort().join(',');
  if (existing !== wanted) await rebuild(db, name, def);
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
      outputsTable: tableName(TABLES.outputs),
      connectionsTable: tableName(TABLES.connections),
      snippetsTable: tableName(TABLES.snippets),
      tenantsTable: tableName(TABLES.tenants),
      queueUrl: local(main.QueueUrl!),
      deadLetterQueueUrl: local(dlq.QueueUrl!),
    };
  } finally {
    db.destroy();
    sqs.destroy();
  }
}
