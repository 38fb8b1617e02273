/**
 * Nothing lost, nothing run twice: failures that happen every day in a fleet, made on
 * purpose against the real local stack (real worker processes, real signals).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CROWD_FROM_ONE_ADDRESS, startLocalStack, type LocalStack } from '@playground/local';
import { hashToken, newExecutionId } from '@playground/shared/ids';
import { ttlFrom, type ExecutionItem } from '@playground/shared/executions';
import { encodeQueueMessage, queueMessageFor } from '@playground/shared/queue';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { ChildProcess } from 'node:child_process';
import { TestClients, stdoutOf, type TestClient } from './client.ts';
import { childrenOf, clientsFor, sleep } from './fleet.ts';

vi.setConfig({ testTimeout: 60_000 });

let stack: LocalStack;
let aws: ReturnType<typeof clientsFor>;
const clients = new TestClients(() => stack.socketUrl);
const connect = (localAddress?: string) => clients.connect(localAddress ? { localAddress } : {});
const onlyWorker = (): ChildProcess => {
  expect(stack.workers.size).toBe(1);
  return [...stack.workers][0]!;
};
const ticking = (n: number, ms: number) => `for (let i = 0; i < ${n}; i++) { console.log('tick ' + i); await new Promise((r) => setTimeout(r, ${ms})); }`;
const ticks = (n: number) => Array.from({ length: n }, (_, i) => `tick ${i}\n`).join('');
/** This socket's connection id, read from the row of a run it owns. */
const connectionOf = async (client: TestClient): Promise<string> => {
  const probe = await client.run('1');
  await probe.result();
  return (await aws.executions.get(probe.executionId))!.connectionId;
};
/** A row as the gateway writes it for `code`, owned by `connectionId`. */
const queuedRow = (connectionId: string, code: string, createdAt = Date.now()): ExecutionItem => ({
  executionId: newExecutionId(), tokenHash: hashToken('t'), connectionId, ownerConnectionId: connectionId, language: 'javascript', code, stdin: '',
  timeoutMs: 5000, memoryMb: 64, status: 'queued', attempt: 0, createdAt, lastSeq: 0, ttl: ttlFrom(createdAt),
});
/** Waits until the executions queue holds no message, visible or in flight. */
const queueDrained = async (): Promise<void> => {
  for (let i = 0; i < 100; i++) {
    const { Attributes: a } = await aws.sqs.send(new GetQueueAttributesCommand({
      QueueUrl: stack.store.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }));
    if (Number(a?.ApproximateNumberOfMessages) === 0 && Number(a?.ApproximateNumberOfMessagesNotVisible) === 0) return;
    await sleep(100);
  }
  throw new Error('the executions queue did not drain within 10 s');
};

beforeAll(async () => {
  stack = await startLocalStack({
    workers: 1,
    workerConcurrency: 2,
    timing: { leaseMs: 1500, heartbeatMs: 300, visibilityTimeoutSeconds: 2 },
    // Every client here is 127.0.0.x standing for many users, and runs that die unsettled
    // keep their charge: the per-address budgets and share rule are tested in fairness.test.ts.
    env: { ...CROWD_FROM_ONE_ADDRESS, ACTIVE_RUNS_PER_SOCKET: '4', LOG_LEVEL: process.env.DEBUG_STACK ? 'info' : 'warn', SWEEP_EVERY_MS: '300', STRANDED_AFTER_MS: '1500', RECEIVE_WAIT_SECONDS: '2' },
    ...(process.env.DEBUG_STACK ? { log: (line: string) => console.log(line) } : {}),
  });
  aws = clientsFor(stack);
});

afterAll(async () => {
  clients.terminateAll();
  aws?.destroy();
  await stack?.close();
});

describe('when a worker dies', () => {
  it('SIGKILL mid-run: the next worker re-runs it and the client gets exactly one result, attempt 2', async () => {
    const client = await connect();
    const victim = onlyWorker();
    const run = await client.run(ticking(4, 500));
    const around = await Promise.all([client.run("console.log('before')"), client.run("console.log('also')")]);
    await client.waitFor((m) => m.type === 'output' && m.executionId === run.executionId);
    await stack.stopWorker(victim, 'SIGKILL');
    await stack.addWorker();
    const result = await run.result();
    const also = await client.run("console.log('after')");
    expect(result.status).toBe('succeeded');
    const events = run.events().sort((a, b) => a.seq - b.seq);
    const starts = events.filter((e) => e.type === 'started');
    expect(starts.map((e) => e.type === 'started' && e.attempt)).toEqual([1, 2]);
    expect(events.filter((e) => e.type === 'result')).toHaveLength(1);
    // Numbers never repeat across attempts, so a client's dedupe by seq cannot drop a retry's message.
    expect(new Set(events.map((e) => e.seq)).size).toBe(events.length);
    // The second attempt printed everything again after its own `started`.
    const afterRetry = events.slice(events.indexOf(starts[1]!));
    expect(stdoutOf(afterRetry)).toBe(ticks(4));
    for (const r of [...around, also]) {
      const res = await r.result().catch((err: Error) => {
        throw new Error(`run ${r.executionId} got no result: ${JSON.stringify(r.events())}; ${err.message}`);
      });
      expect(res.status).toBe('succeeded');
      expect(r.events().filter((e) => e.type === 'result')).toHaveLength(1);
    }
  });

  it('a program whose sandbox dies on every try ends crashed through the dead-letter queue, and others are unaffected', async () => {
    const client = await connect();
    const worker = onlyWorker();
    const doomed = await client.run(ticking(20, 100), { timeoutMs: 10_000 });
    // Each attempt, once it prints, gets every sandbox process of the worker killed, as a
    // fatal V8 error in the sandbox would.
    const attemptsSeen = new Set<number>();
    const killer = setInterval(() => {
      let attempt = 0;
      for (const e of doomed.events().sort((a, b) => a.seq - b.seq)) {
        if (e.type === 'started') attempt = e.attempt;
        if (e.type === 'output' && !attemptsSeen.has(attempt)) {
          attemptsSeen.add(attempt);
          for (const pid of childrenOf(worker.pid!)) process.kill(pid, 'SIGKILL');
        }
      }
    }, 10);
    try {
      const result = await doomed.result();
      expect(result.status).toBe('crashed');
      expect(result.error?.message).toMatch(/3 tries/);
    } finally {
      clearInterval(killer);
    }
    expect([...attemptsSeen].sort()).toEqual([1, 2, 3]);
    const other = await (await connect()).run("console.log('fine')");
    expect((await other.result()).status).toBe('succeeded');
    expect(stdoutOf(other.events())).toBe('fine\n');
  });

  it('a message delivered twice runs the program once', async () => {
    const client = await connect();
    const run = await client.run("await new Promise((r) => setTimeout(r, 300)); console.log('once')");
    await aws.duplicate(run.executionId);
    await run.result();
    await aws.duplicate(run.executionId); // and again after it finished
    await sleep(500);
    const events = run.events();
    expect(events.filter((e) => e.type === 'started')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'result')).toHaveLength(1);
    expect(stdoutOf(events)).toBe('once\n');
  });

  it('SIGTERM drains: runs in flight finish, the worker exits 0, nothing is delivered again', async () => {
    const client = await connect();
    const worker = onlyWorker();
    const runs = await Promise.all([client.run(ticking(3, 300)), client.run(ticking(2, 300))]);
    await Promise.all(runs.map((r) => client.waitFor((m) => m.type === 'started' && m.executionId === r.executionId)));
    const replacement = stack.addWorker();
    expect(await stack.stopWorker(worker, 'SIGTERM')).toBe(0);
    await replacement;
    for (const r of runs) expect((await r.result()).status).toBe('succeeded');
    // Past the visibility timeout a redelivery would have shown up as a second `started`.
    await sleep(2500);
    for (const r of runs) expect(r.events().filter((e) => e.type === 'started')).toHaveLength(1);
  });
});

describe('resume', () => {
  it('a client that drops mid-run resumes on a new socket with afterSeq and loses or repeats nothing', async () => {
    const first = await connect();
    const run = await first.run(ticking(15, 100));
    await first.waitFor((m) => m.type === 'output' && m.executionId === run.executionId && m.seq >= 4);
    first.ws.terminate();
    const seen = run.events();
    const afterSeq = Math.max(...seen.map((e) => e.seq));
    await sleep(300);
    const second = await connect();
    const ack = await second.request({ action: 'resume', executionId: run.executionId, token: run.token, afterSeq });
    expect(ack).toMatchObject({ type: 'ack', action: 'resume' });
    const result = await second.waitFor((m) => m.type === 'result' && m.executionId === run.executionId);
    expect(result).toMatchObject({ status: 'succeeded' });
    const resumed = second.eventsOf(run.executionId);
    expect(resumed.every((e) => e.seq > afterSeq)).toBe(true);
    const all = [...seen, ...resumed].sort((a, b) => a.seq - b.seq);
    expect(new Set(all.map((e) => e.seq)).size).toBe(all.length);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(stdoutOf(all)).toBe(ticks(15));
  });

  it('a finished run replays in full, and a wrong token gets not_found', async () => {
    const client = await connect();
    const run = await client.run("console.log('a'); console.error('b'); 42");
    await run.result();
    const later = await connect();
    await later.request({ action: 'resume', executionId: run.executionId, token: run.token, afterSeq: 0 });
    const replayed = await later.waitFor((m) => m.type === 'result' && m.executionId === run.executionId);
    expect(replayed).toEqual(await run.result());
    expect(later.eventsOf(run.executionId).map((e) => e.type).sort()).toEqual(['output', 'output', 'result', 'started']);
    const wrong = await later.request({ action: 'resume', executionId: run.executionId, token: 'not-the-token' });
    expect(wrong).toMatchObject({ type: 'error', error: { code: 'not_found' } });
  });

  it('clients reconnect and resume after the gateway restarts under them', async () => {
    const client = await connect();
    const run = await client.run(ticking(12, 150));
    await client.waitFor((m) => m.type === 'output' && m.executionId === run.executionId);
    const restart = stack.restartGateway();
    const { code } = await client.closed;
    expect(code).toBe(1001);
    await restart;
    const seen = run.events();
    const again = await connect();
    await again.request({ action: 'resume', executionId: run.executionId, token: run.token, afterSeq: Math.max(...seen.map((e) => e.seq)) });
    await again.waitFor((m) => m.type === 'result' && m.executionId === run.executionId);
    const all = [...seen, ...again.eventsOf(run.executionId)].sort((a, b) => a.seq - b.seq);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(stdoutOf(all)).toBe(ticks(12));
  });
});

describe('cancel', () => {
  it('cancels a running program promptly', async () => {
    const client = await connect();
    const run = await client.run("setInterval(() => console.log('still going'), 20)", { timeoutMs: 20_000 });
    await client.waitFor((m) => m.type === 'output' && m.executionId === run.executionId);
    const asked = Date.now();
    const ack = await client.request({ action: 'cancel', executionId: run.executionId });
    expect(ack).toMatchObject({ type: 'ack', action: 'cancel', executionId: run.executionId });
    const result = await run.result();
    console.log(`cancel reached the running program in ${Date.now() - asked} ms`);
    expect(result.status).toBe('cancelled');
    expect(result.stats.wallMs).toBeLessThan(20_000);
  });

  it('a cancelled queued execution never runs', async () => {
    const client = await connect();
    // Fill both slots of the one worker, so the next run waits in the queue.
    const busy = await Promise.all([client.run(ticking(4, 250)), client.run(ticking(4, 250))]);
    await Promise.all(busy.map((r) => client.waitFor((m) => m.type === 'started' && m.executionId === r.executionId)));
    const queued = await client.run("console.log('must not run')");
    await client.request({ action: 'cancel', executionId: queued.executionId });
    const result = await queued.result();
    expect(result.status).toBe('cancelled');
    for (const r of busy) await r.result();
    await sleep(300);
    expect(queued.events().filter((e) => e.type === 'started')).toHaveLength(0);
    expect(stdoutOf(queued.events())).toBe('');
  });

  it('only the socket that owns an execution can cancel it', async () => {
    const owner = await connect();
    const stranger = await connect();
    const run = await owner.run(ticking(3, 100));
    const reply = await stranger.request({ action: 'cancel', executionId: run.executionId });
    expect(reply).toMatchObject({ type: 'error', error: { code: 'not_found' } });
    expect((await run.result()).status).toBe('succeeded');
  });
});

describe('recovery sweep', () => {
  it('finds an execution written as queued whose enqueue never happened, and runs it', async () => {
    const client = await connect();
    const row = queuedRow(await connectionOf(client), "console.log('rescued')", Date.now() - 5000);
    const { executionId } = row;
    await aws.executions.create(row);
    const result = await client.waitFor((m) => m.type === 'result' && m.executionId === executionId);
    expect(result).toMatchObject({ status: 'succeeded' });
    expect(stdoutOf(client.eventsOf(executionId))).toBe('rescued\n');
  });
});

describe('the row and the message, written side by side', () => {
  it('a message claimed before its row exists creates the row from the message and runs it; the late row write leaves it alone', async () => {
    const client = await connect();
    const connectionId = await connectionOf(client);
    const item = queuedRow(connectionId, "console.log('from the message')");
    const { executionId } = item;
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: stack.store.queueUrl, MessageBody: encodeQueueMessage(queueMessageFor(item)) }));
    const result = await client.waitFor((m) => m.type === 'result' && m.executionId === executionId);
    expect(result).toMatchObject({ status: 'succeeded', seq: 3 });
    expect(stdoutOf(client.eventsOf(executionId))).toBe('from the message\n');
    // The gateway's write arriving last finds the row and does not put it back to queued.
    expect(await aws.executions.create(item)).toBe(false);
    expect(await aws.executions.get(executionId)).toMatchObject({ status: 'succeeded', attempt: 1, code: item.code, tokenHash: item.tokenHash, ownerConnectionId: connectionId });
  });

  it('a withdrawn run is a tombstone: its message, delivered after, runs nothing and is consumed', async () => {
    const client = await connect();
    const row = queuedRow(await connectionOf(client), "console.log('must not run')");
    const { executionId } = row;
    expect(await aws.executions.withdraw(executionId, row.connectionId, Date.now())).toBe(true);
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: stack.store.queueUrl, MessageBody: encodeQueueMessage(queueMessageFor(row)) }));
    await queueDrained();
    expect(client.eventsOf(executionId)).toEqual([]);
    expect(await aws.executions.get(executionId)).toMatchObject({ status: 'cancelled', withdrawn: true, attempt: 0 });
    expect((await aws.executions.get(executionId))!.code).toBeUndefined();
  });

  it('a withdrawal loses to a worker that claimed the run first, and says so', async () => {
    const client = await connect();
    const run = await client.run("await new Promise((r) => setTimeout(r, 200)); console.log('claimed')");
    await client.waitFor((m) => m.type === 'started' && m.executionId === run.executionId);
    expect(await aws.executions.withdraw(run.executionId, 'someone', Date.now())).toBe(false);
    expect(stdoutOf((await run.result(), run.events()))).toBe('claimed\n');
  });
});

describe('abuse limits', () => {
  it('a socket may have only so many runs queued or running; a slot frees when one finishes', async () => {
    const client = await connect();
    const long = await Promise.all(Array.from({ length: 4 }, () => client.run(ticking(3, 200))));
    const fifth = await client.request({ action: 'run', language: 'javascript', code: '1' });
    expect(fifth).toMatchObject({ type: 'rejected', error: { code: 'rate_limited' } });
    expect((fifth as { error: { message: string } }).error.message).toMatch(/4 runs queued or running/);
    await long[0]!.result();
    await sleep(100);
    const next = await client.run("console.log('my turn')");
    expect((await next.result()).status).toBe('succeeded');
    for (const r of long) await r.result();
    // The refused run's message went out beside its row; withdrawn, it ran nothing.
    const accepted = new Set([...long, next].map((r) => r.executionId));
    const seen = client.messages.flatMap((m) => ('executionId' in m && m.executionId && m.type !== 'accepted' ? [m.executionId] : []));
    expect(seen.filter((id) => !accepted.has(id))).toEqual([]);
  });

  it('a socket flooding runs is rate limited while a socket from another address keeps running', async () => {
    const flooder = await connect('127.0.0.1');
    const neighbour = await connect('127.0.0.2');
    const floodDone = (async () => {
      for (let i = 0; i < 1000; i++) {
        flooder.send({ action: 'run', requestId: `f${i}`, language: 'javascript', code: '1' });
        if (i % 100 === 99) await sleep(100);
      }
    })();
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = Date.now();
      const run = await neighbour.run(`console.log(${i})`);
      expect((await run.result()).status).toBe('succeeded');
      latencies.push(Date.now() - t);
    }
    await floodDone;
    await flooder.waitFor((m) => m.type === 'rejected' && m.requestId === 'f999', 20_000).catch(() => undefined);
    const replies = flooder.messages.filter((m) => m.type === 'accepted' || m.type === 'rejected');
    const limited = replies.filter((m) => m.type === 'rejected' && m.error.code === 'rate_limited');
    console.log(`flood: ${replies.length - limited.length} accepted, ${limited.length} rate limited; neighbour latencies ${latencies.join(', ')} ms`);
    expect(limited.length).toBeGreaterThan(900);
    const first = limited[0] as { error: { message: string; retryAfterMs?: number } };
    expect(first.error.retryAfterMs).toBeGreaterThan(0);
    expect(first.error.message).toMatch(/Retry in \d+ ms/);
    // Every accepted run of the flood still finishes exactly once.
    const accepted = replies.filter((m) => m.type === 'accepted') as Array<{ executionId: string }>;
    for (const a of accepted) await flooder.waitFor((m) => m.type === 'result' && m.executionId === a.executionId);
  });
});
