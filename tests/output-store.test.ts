/**
 * Long and large output through the real stack: every line arrives, the run ends with
 * its real status, and the store grows by small pieces, not by rewriting one row.
 * Regressions of issue 17: the heartbeat reset the stored-bytes count, the row outgrew
 * DynamoDB's item limit, and output was dropped while the run said `succeeded`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SIGNALS_SEQ } from '@playground/shared/executions';
import { startLocalStack, type LocalStack } from '@playground/local';
import { TestClients, stdoutOf } from './client.ts';
import { storeClient } from './fleet.ts';

let stack: LocalStack;
let db: DynamoDBDocumentClient;
const clients = new TestClients(() => stack.socketUrl);
const connect = () => clients.connect();

beforeAll(async () => {
  stack = await startLocalStack({
    workers: 1,
    workerConcurrency: 2,
    // Heartbeats every 300 ms, so a 3 s run crosses ten of them.
    timing: { heartbeatMs: 300, leaseMs: 3000, visibilityTimeoutSeconds: 5 },
    env: { LOG_LEVEL: 'warn' },
  });
  db = storeClient(stack);
});

afterAll(async () => {
  clients.terminateAll();
  db?.destroy();
  await stack?.close();
});

async function piecesOf(executionId: string): Promise<Array<{ seq: number; events: string[] }>> {
  const out = await db.send(new QueryCommand({
    TableName: stack.store.outputsTable, KeyConditionExpression: 'executionId = :id', ExpressionAttributeValues: { ':id': executionId }, ConsistentRead: true,
  }));
  return (out.Items ?? []) as Array<{ seq: number; events: string[] }>;
}

const rowBytes = async (executionId: string) => {
  const out = await db.send(new GetCommand({ TableName: stack.store.executionsTable, Key: { executionId } }));
  return Buffer.byteLength(JSON.stringify(out.Item));
};

describe('output across many heartbeats', () => {
  it('steady output over several heartbeats arrives whole, ends succeeded, and a resume replays all of it', async () => {
    const client = await connect();
    // 30 lines of 20 KB, 100 ms apart: 600 KB over 3 s (the old cap reset at each heartbeat).
    const code = "let i = 0; const t = setInterval(() => { console.log(String(i).padStart(4, '0') + 'x'.repeat(20_000)); if (++i === 30) clearInterval(t); }, 100);";
    const run = await client.run(code, { timeoutMs: 15_000 });
    const result = await run.result(30_000);
    expect(result).toMatchObject({ status: 'succeeded', truncated: false });
    const expected = Array.from({ length: 30 }, (_, i) => `${String(i).padStart(4, '0')}${'x'.repeat(20_000)}\n`).join('');
    expect(stdoutOf(run.events())).toBe(expected);
    expect(run.events().filter((e) => e.type === 'result')).toHaveLength(1);
    const seqs = run.events().map((e) => e.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));

    const later = await connect();
    await later.request({ action: 'resume', executionId: run.executionId, token: run.token, afterSeq: 0 });
    await later.waitFor((m) => m.type === 'result' && m.executionId === run.executionId);
    expect(stdoutOf(later.eventsOf(run.executionId))).toBe(expected);
    // The row holds the run and its last batch only (here one 20 KB line), not 600 KB.
    expect(await rowBytes(run.executionId)).toBeLessThan(48 * 1024);
  });

  it('multi-byte output just under the 1 MiB cap is delivered and replayed whole, counted in bytes', async () => {
    const client = await connect();
    // 349,000 euro signs are 1,047,000 UTF-8 bytes (plus newlines): under 1 MiB by bytes, a third of it by characters.
    const code = "for (let i = 0; i < 349; i++) console.log('€'.repeat(999));";
    const run = await client.run(code);
    const result = await run.result();
    expect(result).toMatchObject({ status: 'succeeded', truncated: false });
    const expected = `${'€'.repeat(999)}\n`.repeat(349);
    expect(stdoutOf(run.events())).toBe(expected);
    const later = await connect();
    await later.request({ action: 'resume', executionId: run.executionId, token: run.token });
    await later.waitFor((m) => m.type === 'result' && m.executionId === run.executionId);
    expect(stdoutOf(later.eventsOf(run.executionId))).toBe(expected);
    for (const piece of await piecesOf(run.executionId)) expect(Buffer.byteLength(JSON.stringify(piece))).toBeLessThan(400_000);
  });

  it('a line every 5 ms makes a bounded number of small store writes, not one per line', async () => {
    const client = await connect();
    const code = "let i = 0; const t = setInterval(() => { console.log('line ' + i); if (++i === 400) clearInterval(t); }, 5);";
    const run = await client.run(code, { timeoutMs: 15_000 });
    const result = await run.result(30_000);
    expect(result).toMatchObject({ status: 'succeeded' });
    expect(stdoutOf(run.events())).toBe(Array.from({ length: 400 }, (_, i) => `line ${i}\n`).join(''));
    const pieces = await piecesOf(run.executionId);
    // 32 quick writes, then at most one per 50 ms over the run's ~2 s (timers here run late, never early).
    expect(pieces.length).toBeLessThan(32 + 2500 / 50);
    expect(pieces.length).toBeGreaterThan(1);
  });

  it('a resume and a cancel reach the running worker through a signals item of a few bytes, not the row', async () => {
    const client = await connect();
    // A large program: its row is big, and the watch must not read it ten times a second.
    const code = `// ${'x'.repeat(40_000)}\nsetInterval(() => console.log('tick'), 50);`;
    const run = await client.run(code, { timeoutMs: 15_000 });
    await client.waitFor((m) => m.type === 'output' && m.executionId === run.executionId);
    const other = await connect();
    await other.request({ action: 'resume', executionId: run.executionId, token: run.token, afterSeq: 0 });
    const lines = other.eventsOf(run.executionId).length;
    // Live output now reaches the resuming socket.
    await other.waitFor((m) => m.type === 'output' && m.executionId === run.executionId && m.seq > lines + 1);
    await other.request({ action: 'cancel', executionId: run.executionId });
    const result = await other.waitFor((m) => m.type === 'result' && m.executionId === run.executionId);
    expect(result).toMatchObject({ status: 'cancelled' });
    const signals = (await db.send(new GetCommand({ TableName: stack.store.outputsTable, Key: { executionId: run.executionId, seq: SIGNALS_SEQ } }))).Item;
    expect(signals).toMatchObject({ cancelRequested: true });
    expect(Buffer.byteLength(JSON.stringify(signals))).toBeLessThan(256);
    expect(await rowBytes(run.executionId)).toBeGreaterThan(40_000);
  });
});
