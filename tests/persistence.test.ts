/**
 * `npm start` keeps its data in a folder: a restart keeps past executions (resume still
 * replays them) and `--fresh` starts empty.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '@playground/local';
import { TestClient, stdoutOf } from './client.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'playground-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the local stack across restarts', () => {
  it('keeps a finished execution through a restart, and forgets it when started fresh', async () => {
    let stack = await startLocalStack({ workers: 1, dataDir, env: { LOG_LEVEL: 'warn' } });
    let executionId: string;
    let token: string;
    try {
      const client = await TestClient.connect(stack.socketUrl);
      const run = await client.run("console.log('remember me')");
      await run.result();
      ({ executionId, token } = run);
      client.ws.terminate();
    } finally {
      await stack.close();
    }

    stack = await startLocalStack({ workers: 1, dataDir, env: { LOG_LEVEL: 'warn' } });
    try {
      const client = await TestClient.connect(stack.socketUrl);
      await client.request({ action: 'resume', executionId, token });
      const result = await client.waitFor((m) => m.type === 'result' && m.executionId === executionId);
      expect(result).toMatchObject({ status: 'succeeded' });
      expect(stdoutOf(client.eventsOf(executionId))).toBe('remember me\n');
      client.ws.terminate();
    } finally {
      await stack.close();
    }

    stack = await startLocalStack({ workers: 1, dataDir, fresh: true, env: { LOG_LEVEL: 'warn' } });
    try {
      const client = await TestClient.connect(stack.socketUrl);
      const reply = await client.request({ action: 'resume', executionId, token });
      expect(reply).toMatchObject({ type: 'error', error: { code: 'not_found' } });
      client.ws.terminate();
    } finally {
      await stack.close();
    }
  });
});

describe('tables kept from an older version', () => {
  it('get their indexes brought to the current definition when the stack starts', async () => {
    const { startEmulators, provision } = await import('@playground/local');
    const { CreateTableCommand, DescribeTableCommand, DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const emulators = await startEmulators({});
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const db = new DynamoDBClient({ region: 'us-east-1', credentials, endpoint: emulators.dynamodbEndpoint });
    try {
      // The executions table as an earlier version created it, with an index since replaced.
      await db.send(new CreateTableCommand({
        TableName: 'playground-executions',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'executionId', AttributeType: 'S' }, { AttributeName: 'sweepKey', AttributeType: 'S' }, { AttributeName: 'createdAt', AttributeType: 'N' }],
        KeySchema: [{ AttributeName: 'executionId', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [{ IndexName: 'bySweep', KeySchema: [{ AttributeName: 'sweepKey', KeyType: 'HASH' }, { AttributeName: 'createdAt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
      }));
      const { PutItemCommand, GetItemCommand } = await import('@aws-sdk/client-dynamodb');
      for (let i = 0; i < 30; i++) {
        await db.send(new PutItemCommand({ TableName: 'playground-executions', Item: { executionId: { S: `ex_old${i}` }, status: { S: 'succeeded' }, createdAt: { N: String(i) } } }));
      }
      await provision({ ...emulators, region: 'us-east-1', credentials });
      const { Table } = await db.send(new DescribeTableCommand({ TableName: 'playground-executions' }));
      expect((Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName)).toEqual(['byPendingOwner']);
      // Past executions survive the rebuild.
      for (const i of [0, 24, 25, 29]) {
        const { Item } = await db.send(new GetItemCommand({ TableName: 'playground-executions', Key: { executionId: { S: `ex_old${i}` } } }));
        expect(Item?.status).toEqual({ S: 'succeeded' });
      }
    } finally {
      db.destroy();
      await emulators.close();
    }
  });
});
