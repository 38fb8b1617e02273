/**
 * AWS requests per run, counted from every SDK call the gateway and workers make
 * (bench/requests.ts): a regression here is money in the cloud and CPU on this machine.
 */
import { describe, expect, it } from 'vitest';
import { countRequests } from '../bench/requests.ts';

describe('AWS requests per run', () => {
  it('a hello world costs the gateway a row and a message, and the worker a claim, a final write, one post and the fair share bookkeeping', async () => {
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
    // The worker: claim and final write (2 updates), and the fair share's bookkeeping on
    // the tenants table (a read of the tenant's running slots, its slot added, then
    // removed with the run's settlement: 1 read and 2 updates).
    expect(hello.perRun['DynamoDBClient/UpdateCommand']).toBe(4);
    expect(hello.perRun['DynamoDBClient/GetCommand']).toBeLessThanOrEqual(1.2);
    // One run at a time: its receive and its delete are its own (under load they are shared).
    expect(hello.total).toBeLessThanOrEqual(11);
    const fails = counts.find((c) => c.program === 'fails')!;
    expect(fails.total).toBeLessThanOrEqual(11);
  }, 120_000);
});
