/**
 * AWS requests per run, counted from every SDK call the gateway and workers make
 * (bench/requests.ts): a regression here is money in the cloud and CPU on this machine.
 */
import { describe, expect, it } from 'vitest';
import { countRequests } from '../bench/requests.ts';

describe('AWS requests per run', () => {
  it('a hello world costs the gateway a row and a message, and the worker a receive, a claim, a final write and one post, with deletes and settlements shared', async () => {
    const counts = await countRequests({ hello: 6, stream: 1, fails: 6 });
    const hello = counts.find((c) => c.program === 'hello')!;
    console.log(`requests per run: ${JSON.stringify(counts.map((c) => ({ program: c.program, total: c.total, byRole: c.byRole })))}`);
    // The gateway's part is exact; the worker's is as exact as this busy machine's timing
    // allows (a run slower than the first batch may take a second post or a watch read).
    expect(hello.perRun).toMatchObject({ 'DynamoDBClient/PutCommand': 1, 'SQSClient/SendMessageCommand': 1 });
    expect(hello.perRun['ApiGatewayManagementApiClient/PostToConnectionCommand']).toBeLessThanOrEqual(1.5);
    // A quiet socket's runs skip the per-socket count on the store's index.
    expect(hello.perRun['DynamoDBClient/QueryCommand']).toBeUndefined();
    expect(hello.byRole.gateway).toBe(2);
    // The worker: claim and final write (2 updates), plus its share of the settlements
    // written with the tenant in batches; the fair share itself reads and writes nothing.
    expect(hello.perRun['DynamoDBClient/UpdateCommand']).toBeGreaterThanOrEqual(2);
    expect(hello.perRun['DynamoDBClient/UpdateCommand']).toBeLessThan(2.7);
    expect(hello.perRun['DynamoDBClient/GetCommand'] ?? 0).toBeLessThanOrEqual(0.2);
    // Runs one after another share delete calls (at most one per 200 ms).
    expect(hello.perRun['SQSClient/DeleteMessageBatchCommand']).toBeLessThan(0.7);
    expect(hello.total).toBeLessThanOrEqual(7.2);
    const fails = counts.find((c) => c.program === 'fails')!;
    expect(fails.total).toBeLessThanOrEqual(7.2);
  }, 120_000);
});
