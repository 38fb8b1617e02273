/**
 * IAM follows the code: the gateway and worker run over the local stack with every AWS
 * SDK call recorded (infra/testing/record-aws-calls.ts), then each call is checked
 * against the policy the Pulumi program gives that service's instance role. A call the
 * code makes that the role does not allow is what fails on first traffic in the cloud
 * while every local test passes (the emulators check no IAM): the recovery sweep's Scan
 * on the pending index, the workers' DeleteItem on gone connections.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLocalStack, type LocalStack } from '@playground/local';
import { TestClient } from '../tests/client.ts';
import { ACCOUNT, REGION, loadProgram, ofType, parse, valueOf, type Recorded } from './mocks.ts';
import type { RecordedCall } from './testing/record-aws-calls.ts';

const SECRET = 'iam-follows-code-secret';
const recordFile = join(mkdtempSync(join(tmpdir(), 'aws-calls-')), 'calls.jsonl');
let stack: LocalStack;
let resources: Recorded[];
let program: Record<string, unknown>;
let calls: RecordedCall[] = [];

const recorded = (): RecordedCall[] => (existsSync(recordFile) ? readFileSync(recordFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
const until = async (what: string, seen: (c: RecordedCall[]) => boolean, timeoutMs = 20_000) => {
  const end = Date.now() + timeoutMs;
  while (!seen(recorded())) {
    if (Date.now() > end) throw new Error(`Never saw ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const integration = (route: string, connectionId: string, body?: string) => fetch(`${stack.url}/integration/${route}`, {
  method: 'POST',
  headers: { 'x-connection-id': connectionId, 'x-source-ip': '203.0.113.9', 'x-integration-secret': SECRET, 'content-type': 'application/json' },
  ...(body !== undefined ? { body } : {}),
});

beforeAll(async () => {
  ({ resources, program } = await loadProgram());
  stack = await startLocalStack({
    workers: 1,
    workerConcurrency: 2,
    integrationSecret: SECRET,
    // Short heartbeats and sweeps, so visibility extensions and the recovery sweep run.
    timing: { leaseMs: 1500, heartbeatMs: 300, visibilityTimeoutSeconds: 2 },
    env: {
      NODE_OPTIONS: `--import ${resolve('infra/testing/record-aws-calls.ts')}`,
      RECORD_AWS_CALLS: recordFile,
      SWEEP_EVERY_MS: '200',
      STRANDED_AFTER_MS: '100',
      LOG_LEVEL: 'warn',
    },
  });

  // Everything a user does: connect, run, share and load, cancel, run long enough to
  // need heartbeats, and leave a run behind on a socket that is gone.
  const client = await TestClient.connect(stack.socketUrl);
  await (await client.run("console.log('hello')")).result();
  const shared = await client.request<any>({ action: 'share', language: 'javascript', code: '1 + 1' });
  await client.request({ action: 'load', snippetId: shared.snippetId });
  const long = await client.run('const end = Date.now() + 1200; while (Date.now() < end);');
  await long.result();
  const endless = await client.run('while (true);');
  await client.request({ action: 'cancel', executionId: endless.executionId });
  await endless.result();
  await client.close();

  expect((await integration('connect', 'ghostConnection01')).status).toBe(200);
  await integration('default', 'ghostConnection01', JSON.stringify({ action: 'run', requestId: 'g', language: 'javascript', code: "console.log('nobody listens')" }));
  await until('the worker removing a gone connection', (c) => c.some((x) => x.role === 'worker' && x.command === 'DeleteCommand'));
  await until('a recovery sweep', (c) => c.some((x) => x.role === 'worker' && x.command === 'ScanCommand'));
  await stack.close();
  calls = recorded();
}, 120_000);

afterAll(async () => {
  await stack?.close().catch(() => {});
});

// ---------------------------------------------------------------------------------------
// A recorded call -> the IAM action and resource AWS would authorize.
// ---------------------------------------------------------------------------------------
const DYNAMO_ACTIONS: Record<string, string> = {
  Get: 'GetItem', GetItem: 'GetItem', Put: 'PutItem', PutItem: 'PutItem', Update: 'UpdateItem', UpdateItem: 'UpdateItem',
  Delete: 'DeleteItem', DeleteItem: 'DeleteItem', Query: 'Query', Scan: 'Scan', BatchGet: 'BatchGetItem', BatchGetItem: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem', BatchWriteItem: 'BatchWriteItem', TransactWrite: 'TransactWriteItems', TransactWriteItems: 'TransactWriteItems',
  TransactGet: 'TransactGetItems', TransactGetItems: 'TransactGetItems',
};
// Batch calls are authorized as their single-message actions.
const SQS_ACTIONS: Record<string, string> = { DeleteMessageBatch: 'DeleteMessage', ChangeMessageVisibilityBatch: 'ChangeMessageVisibility', SendMessageBatch: 'SendMessage' };
const CONNECTION_METHODS: Record<string, string> = { PostToConnection: 'POST', GetConnection: 'GET', DeleteConnection: 'DELETE' };

interface Authorization { action: string; resources: string[] }

async function authorizationOf(call: RecordedCall): Promise<Authorization> {
  const command = call.command.replace(/Command$/, '');
  if (/^DynamoDB/.test(call.client)) {
    const action = DYNAMO_ACTIONS[command];
    if (!action) throw new Error(`No IAM action known for DynamoDB ${command}: add it to DYNAMO_ACTIONS`);
    const deployed = (await valueOf(program.tableNames as Record<string, string>));
    const tableArn = (local: string) => {
      const key = Object.entries(stack.store).find(([field, name]) => field.endsWith('Table') && name === local)?.[0].slice(0, -'Table'.length);
      if (!key || !deployed[key]) throw new Error(`Local table ${local} has no deployed table`);
      return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${deployed[key]}`;
    };
    const tables = call.input.Tables ?? [call.input.TableName!];
    return { action: `dynamodb:${action}`, resources: tables.map((t) => (call.input.IndexName ? `${tableArn(t)}/index/${call.input.IndexName}` : tableArn(t))) };
  }
  if (call.client === 'SQSClient') {
    const queues = ofType(resources, 'aws:sqs/queue:Queue');
    const queue = call.input.QueueUrl === stack.store.queueUrl ? queues.find((q) => q.inputs.redrivePolicy) : call.input.QueueUrl === stack.store.deadLetterQueueUrl ? queues.find((q) => !q.inputs.redrivePolicy) : undefined;
    if (!queue) throw new Error(`Unknown queue ${call.input.QueueUrl}`);
    return { action: `sqs:${SQS_ACTIONS[command] ?? command}`, resources: [queue.state.arn] };
  }
  if (call.client === 'ApiGatewayManagementApiClient') {
    const method = CONNECTION_METHODS[command];
    if (!method) throw new Error(`No IAM mapping for ApiGatewayManagementApi ${command}`);
    return { action: 'execute-api:ManageConnections', resources: [`arn:aws:execute-api:${REGION}:${ACCOUNT}:abc123/live/${method}/@connections/${call.input.ConnectionId}`] };
  }
  throw new Error(`A call through ${call.client} (${call.command}) has no IAM mapping here: add one`);
}

/** IAM's wildcard match: `*` any run of characters, `?` one. */
const matches = (pattern: string, value: string) =>
  new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('')}$`).test(value);

function allowed(role: string, { action, resources: arns }: Authorization): boolean {
  const policy = ofType(resources, 'aws:iam/rolePolicy:RolePolicy').find((p) => p.name === `${role}-policy`)!;
  const statements: Array<{ Effect: string; Action: string[]; Resource: string[] }> = parse(policy.inputs.policy).Statement;
  return arns.every((arn) => statements.some((s) => s.Effect === 'Allow' && s.Action.some((a) => matches(a, action)) && s.Resource.some((r) => matches(r, arn))));
}

describe('IAM follows the code', () => {
  test('the recording saw both services call AWS', () => {
    expect(new Set(calls.map((c) => c.role))).toEqual(new Set(['gateway', 'worker']));
  });

  test('every AWS call the gateway makes is allowed by the gateway role', async () => {
    const denied: string[] = [];
    for (const call of calls.filter((c) => c.role === 'gateway')) {
      const auth = await authorizationOf(call);
      if (!allowed('gateway', auth)) denied.push(`${auth.action} on ${auth.resources.join(', ')}`);
    }
    expect([...new Set(denied)]).toEqual([]);
  });

  test('every AWS call the worker makes is allowed by the worker role', async () => {
    const denied: string[] = [];
    for (const call of calls.filter((c) => c.role === 'worker')) {
      const auth = await authorizationOf(call);
      if (!allowed('worker', auth)) denied.push(`${auth.action} on ${auth.resources.join(', ')}`);
    }
    expect([...new Set(denied)]).toEqual([]);
  });

  test('the check is not vacuous: a role without the pending index would be denied the sweep', async () => {
    const scan = calls.find((c) => c.role === 'worker' && c.command.replace(/Command$/, '') === 'Scan')!;
    const auth = await authorizationOf(scan);
    expect(auth).toMatchObject({ action: 'dynamodb:Scan', resources: [expect.stringMatching(/\/index\/byPendingOwner$/)] });
    expect(allowed('gateway', auth)).toBe(false);
  });
});
