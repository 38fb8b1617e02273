/**
 * The skeleton end to end: real emulators, a real gateway process and real worker
 * processes, driven by real WebSocket clients.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiGatewayManagementApiClient, DeleteConnectionCommand, GetConnectionCommand, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { CROWD_FROM_ONE_ADDRESS, startLocalStack, type LocalStack } from '@playground/local';
import { LIMITS } from '@playground/shared';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { TestClients, stdoutOf, type TestClient } from './client.ts';
import { storeClient } from './fleet.ts';

let stack: LocalStack;
const clients = new TestClients(() => stack.socketUrl);
const connect = () => clients.connect();

beforeAll(async () => {
  stack = await startLocalStack({
    workers: 2,
    workerConcurrency: 4,
    integrationSecret: 'integration-secret-for-tests',
    env: { ...CROWD_FROM_ONE_ADDRESS, LOG_LEVEL: 'warn', RUN_BURST_PER_ADDRESS: '1000', RUNS_PER_SECOND_PER_ADDRESS: '1000' },
    ...(process.env.DEBUG_STACK ? { log: (line: string) => console.log(line) } : {}),
  });
});

afterAll(async () => {
  clients.terminateAll();
  await stack?.close();
});

describe('a run over the local stack', () => {
  it('hello world prints its line and succeeds, numbered 1, 2, 3', async () => {
    const client = await connect();
    const run = await client.run("console.log('Hello, world!')");
    const result = await run.result();
    const events = run.events().sort((a, b) => a.seq - b.seq);
    expect(events.map((e) => [e.type, e.seq])).toEqual([['started', 1], ['output', 2], ['result', 3]]);
    expect(events[0]).toMatchObject({ type: 'started', attempt: 1 });
    expect(events[1]).toMatchObject({ type: 'output', stream: 'stdout', data: 'Hello, world!\n' });
    expect(result).toMatchObject({ status: 'succeeded', truncated: false });
    expect(result.stats.wallMs).toBeGreaterThanOrEqual(0);
  });

  it('a hello world reaches the client as accepted and a batch of started, output and result (one frame, or two on a busy host)', async () => {
    const client = await connect();
    const frames: string[] = [];
    client.ws.on('message', (data) => frames.push(String(data)));
    const run = await client.run("console.log('one frame')");
    await run.result();
    const mine = frames.map((f) => JSON.parse(f) as { type: string; events?: Array<{ type: string }> });
    const types = mine.flatMap((m) => (m.type === 'batch' ? m.events!.map((e) => e.type) : [m.type]));
    expect(types).toEqual(['accepted', 'started', 'output', 'result']);
    // One frame unless this busy machine held the program past the first batch (12 ms).
    console.log(`hello world frames after accepted: ${mine.length - 1}`);
    expect(mine[1]!.type).toBe('batch');
    expect(mine.length).toBeLessThanOrEqual(3);
  });

  it('a Node program runs unchanged through the stack: require, Buffer, process.stdout.write, and its exit code', async () => {
    const client = await connect();
    const code = [
      "const EventEmitter = require('events');",
      "const { createHash } = require('node:crypto');",
      "const e = new EventEmitter(); e.on('hi', (who) => process.stdout.write(`hi ${who}; `));",
      "e.emit('hi', Buffer.from('d29ybGQ=', 'base64').toString());",
      "console.log(createHash('sha256').update('abc').digest('hex').slice(0, 8));",
      'process.exitCode = 3;',
    ].join('\n');
    const run = await client.run(code);
    const result = await run.result();
    expect(stdoutOf(run.events())).toBe('hi world; ba7816bf\n');
    expect(result).toMatchObject({ status: 'failed', exitCode: 3, error: { name: 'ExitCode' } });
  });

  it('a program with emoji, astral letters and U+FFFE/U+FFFF in its code and stdin runs and prints them', async () => {
    // Regression: the queue refused such bodies and the run was answered `unavailable`.
    const client = await connect();
    const code = "console.log('🚀 𝔘 \uFFFE\uFFFF é 中'); console.log(stdin)";
    const run = await client.run(code, { stdin: '😀 \uFFFF' });
    const result = await run.result();
    expect(result).toMatchObject({ status: 'succeeded' });
    expect(stdoutOf(run.events())).toBe('🚀 𝔘 \uFFFE\uFFFF é 中\n😀 \uFFFF\n');
  });

  it('two sockets running at once each get only their own messages', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    const [ra, rb] = await Promise.all([
      a.run("for (let i = 0; i < 3; i++) console.log('a' + i)"),
      b.run("for (let i = 0; i < 3; i++) console.log('b' + i)"),
    ]);
    await Promise.all([ra.result(), rb.result()]);
    expect(stdoutOf(ra.events())).toBe('a0\na1\na2\n');
    expect(stdoutOf(rb.events())).toBe('b0\nb1\nb2\n');
    const foreign = (c: TestClient, own: string) => c.messages.filter((m) => 'executionId' in m && m.executionId !== own);
    expect(foreign(a, ra.executionId)).toEqual([]);
    expect(foreign(b, rb.executionId)).toEqual([]);
  });

  it('100 runs submitted at once from 10 sockets all complete, none lost, none doubled', async () => {
    const sockets = await Promise.all(Array.from({ length: 10 }, connect));
    const runs = await Promise.all(sockets.flatMap((s, i) => Array.from({ length: 10 }, (_, j) => s.run(`console.log(${i * 10 + j})`).then((r) => ({ r, s, n: i * 10 + j })))));
    await Promise.all(runs.map(({ r }) => r.result()));
    for (const { r, s, n } of runs) {
      expect(stdoutOf(r.events())).toBe(`${n}\n`);
      expect(s.eventsOf(r.executionId).filter((e) => e.type === 'result')).toHaveLength(1);
      const seqs = r.events().map((e) => e.seq).sort((x, y) => x - y);
      expect(seqs).toEqual([1, 2, 3]);
    }
    expect(new Set(runs.map(({ r }) => r.executionId)).size).toBe(100);
    // Arrival order too: a client that treats `result` as the end has seen everything.
    for (const { r, s } of runs) {
      const arrived = s.messages.filter((m) => 'executionId' in m && m.executionId === r.executionId && m.type !== 'accepted');
      expect(arrived.at(-1)?.type).toBe('result');
      expect(arrived.map((m) => (m as { seq: number }).seq)).toEqual([...arrived.map((m) => (m as { seq: number }).seq)].sort((x, y) => x - y));
    }
  });
});

describe('what a run hands back, over the local stack', () => {
  const MARKER = /… \[truncated: \d+ more characters\]$/;
  /** Runs `code` and checks its result came once, in one frame, from a single attempt. */
  const runOnce = async (code: string, extra: Parameters<TestClient['run']>[1] = {}) => {
    const client = await connect();
    const run = await client.run(code, extra);
    const result = await run.result();
    // Anything else still on its way would show up here.
    await client.request({ action: 'ping' });
    const results = client.messages.filter((m) => m.type === 'result' && m.executionId === run.executionId);
    expect(results).toHaveLength(1);
    expect(run.events().filter((e) => e.type === 'started').map((e) => (e as { attempt: number }).attempt)).toEqual([1]);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThanOrEqual(LIMITS.maxPostBytes);
    return result;
  };

  it('a 300 KB completion value arrives cut to its limit, with its marker, in one result', async () => {
    const result = await runOnce('Object.fromEntries(Array.from({ length: 25_000 }, (_, i) => ["key" + i, i]))');
    expect(result).toMatchObject({ status: 'succeeded', truncated: true });
    expect(result.value).toMatch(/^\{\n {2}key0: 0,/);
    expect(result.value).toMatch(MARKER);
  });

  it('an error whose name, message and stack add up to far more than a frame fails with each cut', async () => {
    const result = await runOnce('const e = new Error("m".repeat(1e5)); e.name = "N".repeat(1e4); e.stack = "s".repeat(1e8); throw e', { memoryMb: 256 });
    expect(result).toMatchObject({ status: 'failed', truncated: true });
    expect(result.error!.name).toMatch(MARKER);
    expect(result.error!.message).toMatch(MARKER);
    expect(result.error!.stack).toMatch(MARKER);
  });

  it('a 100 MB [inspect.custom] value never reaches the worker processes', async () => {
    // Peak resident memory (Linux): it used to grow by ~380 MB in the worker per such run.
    const peak = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    const pids = [...stack.workers].map((w) => w.pid!);
    const before = pids.map(peak);
    const result = await runOnce('({ [Symbol.for("nodejs.util.inspect.custom")]: () => "x".repeat(1e8) })', { memoryMb: 256 });
    expect(result).toMatchObject({ status: 'succeeded', truncated: true });
    expect(result.value).toMatch(MARKER);
    const growth = Math.max(...pids.map((pid, i) => peak(pid) - before[i]!));
    expect(growth).toBeLessThan(50 * 1024 * 1024);
  });

  it('a value that fits arrives whole and not truncated', async () => {
    const result = await runOnce('"é".repeat(5000)');
    expect(result).toMatchObject({ status: 'succeeded', truncated: false, value: `'${'é'.repeat(5000)}'` });
  });
});

describe('bad frames', () => {
  const cases: Array<[string, string | Buffer, string]> = [
    ['a binary frame', Buffer.from([1, 2, 3]), 'bad_frame'],
    ['text that is not JSON', '{nope', 'bad_frame'],
    ['JSON that is not an object', '[1,2]', 'bad_frame'],
    ['a JSON string', '"run"', 'bad_frame'],
    ['an object without an action', '{"requestId":"x"}', 'invalid_request'],
    ['an unknown action', '{"action":"explode","requestId":"x"}', 'unknown_action'],
    ['a run without code', '{"action":"run","requestId":"x","language":"javascript"}', 'invalid_request'],
    ['a run with code of the wrong type', '{"action":"run","requestId":"x","language":"javascript","code":42}', 'invalid_request'],
    ['a run in an unknown language', '{"action":"run","requestId":"x","language":"python","code":"1"}', 'invalid_request'],
    ['a run with a timeout out of range', '{"action":"run","requestId":"x","language":"javascript","code":"1","timeoutMs":99999}', 'invalid_request'],
    ['a run with a memory limit out of range', '{"action":"run","requestId":"x","language":"javascript","code":"1","memoryMb":1}', 'invalid_request'],
    ['a run with an empty requestId', '{"action":"run","requestId":"","language":"javascript","code":"1"}', 'invalid_request'],
    ['a run with code over 64 KiB', JSON.stringify({ action: 'run', requestId: 'x', language: 'javascript', code: 'x'.repeat(LIMITS.maxCodeBytes + 1) }), 'too_large'],
    ['a run with stdin over 64 KiB', JSON.stringify({ action: 'run', requestId: 'x', language: 'javascript', code: '1', stdin: 'x'.repeat(LIMITS.maxStdinBytes + 1) }), 'too_large'],
    ['a cancel of an unknown execution', '{"action":"cancel","executionId":"ex_unknown"}', 'not_found'],
    ['a resume with a wrong token', '{"action":"resume","executionId":"ex_unknown","token":"nope"}', 'not_found'],
    ['a load of an unknown snippet', '{"action":"load","requestId":"x","snippetId":"nothere"}', 'not_found'],
  ];

  it.each(cases)('%s gets the protocol error and the socket keeps working', async (_name, frame, code) => {
    const client = await connect();
    client.send(frame);
    const reply = await client.waitFor((m) => m.type === 'error' || m.type === 'rejected');
    expect(reply).toMatchObject({ error: { code } });
    expect((reply as { error: { message: string } }).error.message.length).toBeGreaterThan(10);
    expect(await client.request({ action: 'ping' })).toMatchObject({ type: 'pong' });
  });

  it('an invalid field is named in the message', async () => {
    const client = await connect();
    const reply = await client.request({ action: 'run', language: 'javascript', code: '1', timeoutMs: 'soon' });
    expect(reply).toMatchObject({ type: 'rejected', error: { code: 'invalid_request' } });
    expect((reply as { error: { message: string } }).error.message).toContain('timeoutMs');
  });

  it('a 200 KiB frame closes the socket with 1009, as API Gateway does, and a new socket works', async () => {
    const client = await connect();
    client.send(JSON.stringify({ action: 'run', requestId: 'big', language: 'javascript', code: 'x'.repeat(200 * 1024) }));
    const { code } = await client.closed;
    expect(code).toBe(1009);
    const next = await connect();
    const run = await next.run("console.log('still here')");
    await run.result();
    expect(stdoutOf(run.events())).toBe('still here\n');
  });
});

describe('the local @connections API, driven by the official SDK client', () => {
  // Signed as the workers sign: with the key id the stack made up at its start.
  const management = (accessKeyId = stack.env.AWS_ACCESS_KEY_ID!) =>
    new ApiGatewayManagementApiClient({ endpoint: stack.url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: stack.env.AWS_SECRET_ACCESS_KEY! } });
  const connectionIdOf = async (client: TestClient): Promise<string> => {
    // The local edge tells nobody its ids; a run's item in the store names its connection.
    const run = await client.run('1');
    await run.result();
    const db = storeClient(stack);
    const out = await db.send(new GetCommand({ TableName: stack.store.executionsTable, Key: { executionId: run.executionId } }));
    db.destroy();
    return out.Item!.connectionId as string;
  };

  it('PostToConnection reaches the socket, GetConnection describes it, DeleteConnection closes it, then it is gone', async () => {
    const client = await connect();
    const id = await connectionIdOf(client);
    const api = management();
    await api.send(new PostToConnectionCommand({ ConnectionId: id, Data: JSON.stringify({ type: 'pong', requestId: 'from-sdk' }) }));
    await client.waitFor((m) => m.type === 'pong' && m.requestId === 'from-sdk');
    const info = await api.send(new GetConnectionCommand({ ConnectionId: id }));
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
    await api.send(new DeleteConnectionCommand({ ConnectionId: id }));
    expect((await client.closed).code).toBe(1000);
    await expect(api.send(new PostToConnectionCommand({ ConnectionId: id, Data: '{}' }))).rejects.toBeInstanceOf(GoneException);
    await expect(api.send(new GetConnectionCommand({ ConnectionId: 'neverExisted1234' }))).rejects.toBeInstanceOf(GoneException);
    api.destroy();
  });

  it('refuses unsigned calls', async () => {
    const res = await fetch(`${stack.url}/@connections/abc`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(403);
  });

  it('refuses calls signed with any other key id, such as the fixed one it used to take', async () => {
    const client = await connect();
    const id = await connectionIdOf(client);
    const api = management('local');
    await expect(api.send(new PostToConnectionCommand({ ConnectionId: id, Data: '{"type":"pong","requestId":"forged"}' })))
      .rejects.toMatchObject({ name: 'ForbiddenException', $metadata: { httpStatusCode: 403 } });
    api.destroy();
    expect(client.messages.some((m) => m.type === 'pong' && m.requestId === 'forged')).toBe(false);
  });
});

describe('the integration routes API Gateway calls', () => {
  const call = (route: string, connectionId: string, body?: string, secret = 'integration-secret-for-tests') =>
    fetch(`${stack.url}/integration/${route}`, {
      method: 'POST',
      headers: { 'x-connection-id': connectionId, 'x-source-ip': '203.0.113.9', 'x-integration-secret': secret, 'content-type': 'application/json' },
      ...(body !== undefined ? { body } : {}),
    });

  const frames = [
    '{"action":"ping","requestId":"p"}',
    '{nope',
    '[1]',
    '{"action":"explode"}',
    '{"action":"run","requestId":"r","language":"javascript","code":42}',
    JSON.stringify({ action: 'run', requestId: 'r', language: 'javascript', code: 'x'.repeat(LIMITS.maxCodeBytes + 1) }),
    '{"action":"cancel","executionId":"ex_nothing"}',
    '{"action":"run","requestId":"r","language":"javascript","code":"1+1"}',
  ];

  it('answer the same as the local edge for the same frames', async () => {
    const client = await connect();
    expect((await call('connect', 'integration-conn-1')).status).toBe(200);
    const normalize = (m: Record<string, unknown>) => ({ ...m, ...(m.executionId ? { executionId: '*' } : {}), ...(m.token ? { token: '*' } : {}) });
    for (const frame of frames) {
      const res = await call('default', 'integration-conn-1', frame);
      expect(res.status).toBe(200);
      const viaIntegration = normalize(await res.json() as Record<string, unknown>);
      const before = client.messages.length;
      client.send(frame);
      const viaEdge = normalize(await client.waitFor((m) => m.type !== 'started' && m.type !== 'output' && m.type !== 'result', 20_000, before) as unknown as Record<string, unknown>);
      expect(viaIntegration).toEqual(viaEdge);
    }
    expect((await call('disconnect', 'integration-conn-1')).status).toBe(200);
  });

  it('a run whose socket is gone keeps going, is stored, and the gone connection is cleaned up', async () => {
    // API Gateway recorded this connection, then the socket vanished without a $disconnect.
    expect((await call('connect', 'ghostConnection01')).status).toBe(200);
    const accepted = await (await call('default', 'ghostConnection01', JSON.stringify({ action: 'run', requestId: 'g', language: 'javascript', code: "console.log('nobody listens')" }))).json() as { executionId: string; token: string };
    const db = storeClient(stack);
    try {
      let connection: unknown = {};
      for (let i = 0; i < 100 && connection; i++) {
        await new Promise((r) => setTimeout(r, 50));
        connection = (await db.send(new GetCommand({ TableName: stack.store.connectionsTable, Key: { connectionId: 'ghostConnection01' } }))).Item;
      }
      expect(connection).toBeUndefined();
      // The result is stored all the same; a later socket can resume it.
      const later = await connect();
      await later.request({ action: 'resume', executionId: accepted.executionId, token: accepted.token });
      const result = await later.waitFor((m) => m.type === 'result' && m.executionId === accepted.executionId);
      expect(result).toMatchObject({ status: 'succeeded' });
      expect(stdoutOf(later.eventsOf(accepted.executionId))).toBe('nobody listens\n');
    } finally {
      db.destroy();
    }
  });

  it('refuse a call without the shared secret, or with a wrong one', async () => {
    const res = await fetch(`${stack.url}/integration/default`, { method: 'POST', headers: { 'x-connection-id': 'c1' }, body: '{"action":"ping"}' });
    expect(res.status).toBe(403);
    expect((await call('default', 'c1', '{"action":"ping"}', 'wrong-secret-wrong-secret')).status).toBe(403);
    expect((await call('connect', 'c1', undefined, '')).status).toBe(403);
  });
});

describe('the gateway', () => {
  it('answers /healthz and tells the web app where the socket is', async () => {
    expect(await (await fetch(`${stack.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const config = await (await fetch(`${stack.url}/config.json`)).json() as { socketUrl: string };
    expect(config.socketUrl).toBe(stack.socketUrl);
  });
});
