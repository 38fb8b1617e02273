/**
 * `npm run bench`: every figure of docs/benchmarks.md in one run, against the real local
 * stack (emulators, one gateway process, worker processes with sandbox children) on this
 * machine. Prints a table with the machine and date; writes JSON to bench/results-*.json
 * (git-ignored). Figures are medians and p99s of wall-clock times seen by a client.
 *
 *   npm run bench                      the issue's sizes (about 6 minutes on 2 cores)
 *   npm run bench -- --quick           smaller sizes, for trying the bench itself
 *   npm run bench -- --workers 2 --concurrency 4
 *
 * Other programs on the machine move these numbers: run it on a quiet machine and say
 * how busy it was (the load average is recorded).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { CROWD_FROM_ONE_ADDRESS, startLocalStack, type LocalStack } from '@playground/local';
import type { ResultMessage } from '@playground/shared';
import { hashToken, newExecutionId } from '@playground/shared/ids';
import { ExecutionStore, ttlFrom, type ExecutionItem } from '@playground/shared/executions';
import { DEFAULT_TIMING } from '@playground/shared/resources';
import { encodeQueueMessage, queueMessageFor } from '@playground/shared/queue';
import { Delivery } from '@playground/shared/delivery';
import { Executor } from '@playground/sandbox/executor';
import { benchSandbox } from '@playground/sandbox/bench';
import {
  BenchSocket, calibrationMs, childrenOf, closedLoop, cpuMs, endProgress, machine, openSockets, progressLine, rssKiB, sleep, summarize, type Summary,
} from './lib.ts';
import { simulatePolling } from './polling.ts';
import { countRequests, type RequestCount } from './requests.ts';
import { PRICES, costPerMillionRuns, requestsByKind } from './cost.ts';
import { noisyNeighbour } from './noisy.ts';
import { queueClient, storeClient } from '../tests/fleet.ts';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    workers: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '4' },
    'log-level': { type: 'string', default: 'info' },
  },
});
const quick = flags.quick!;
const SIZES = {
  floorRuns: quick ? 100 : 300,
  helloRuns: quick ? 100 : 500,
  streamingRuns: quick ? 2 : 5,
  throughputSeconds: quick ? 5 : 30,
  throughputSockets: [50, 500],
  idleSockets: quick ? 1000 : 5000,
  besideRuns: quick ? 50 : 200,
  memoryRuns: quick ? 1000 : 10_000,
  quietRuns: quick ? 20 : 50,
};
const WORKERS = Number(flags.workers);
const CONCURRENCY = Number(flags.concurrency);
const HELLO = "console.log('Hello, world!')";
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
// For the clients built from the environment (the management API's, as the worker builds it).
process.env.AWS_ACCESS_KEY_ID ??= credentials.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY ??= credentials.secretAccessKey;
const results: Record<string, unknown> = {
  machine: machine(), loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100), calibrationMsAtStart: calibrationMs(),
  sizes: SIZES, workers: WORKERS, concurrency: CONCURRENCY,
};
const step = (text: string) => console.error(`[bench] ${text}`);
let totalRuns = 0;

async function timeIt(n: number, label: string, once: () => Promise<unknown>): Promise<Summary> {
  for (let i = 0; i < Math.min(20, n); i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await once();
    samples.push(performance.now() - t);
    if (i % 50 === 0) progressLine(`[bench] ${label} ${i}/${n}`);
  }
  endProgress();
  return summarize(samples);
}

/**
 * A socket of the bench's own on the stack, and a post to it through the management API
 * as a worker posts; its connection id is read from the row of a run it owns.
 */
async function ownSocket(stack: LocalStack, executions: ExecutionStore) {
  const socket = await BenchSocket.connect(stack.socketUrl);
  // The local edge takes only the key id the stack made up at its start.
  process.env.AWS_ACCESS_KEY_ID = stack.env.AWS_ACCESS_KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY = stack.env.AWS_SECRET_ACCESS_KEY;
  const delivery = new Delivery(stack.url, 'us-east-1');
  const close = () => {
    socket.close();
    delivery.destroy();
  };
  try {
    const connectionId = (await executions.get((await socket.run(HELLO)).executionId))!.connectionId;
    return { connectionId, post: () => delivery.post(connectionId, { type: 'pong' }), close };
  } catch (err) {
    close();
    throw err;
  }
}

/** The floor: what one hello world cannot avoid in this design, each part on its own. */
async function floor(stack: LocalStack) {
  step('floor: bare isolate (sandbox/src/bench.ts)');
  const sandbox = await benchSandbox(SIZES.floorRuns);
  const db = storeClient(stack);
  const sqs = queueClient(stack);
  try {
    // A table and a queue of its own, so no worker takes the floor's messages.
    await db.send(new CreateTableCommand({
      TableName: 'bench-floor', BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-floor' }));
    let i = 0;
    const putItem = await timeIt(SIZES.floorRuns, 'PutItem', () => db.send(new PutCommand({
      TableName: 'bench-floor', Item: { id: `e${++i}`, status: 'queued', attempt: 0, code: HELLO, createdAt: Date.now() },
    })));
    let j = 0;
    const updateItem = await timeIt(SIZES.floorRuns, 'UpdateItem', () => db.send(new UpdateCommand({
      TableName: 'bench-floor', Key: { id: `e${(j++ % i) + 1}` },
      UpdateExpression: 'SET #s = :running, attempt = attempt + :one', ConditionExpression: 'attribute_exists(id)',
      ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':running': 'running', ':one': 1 },
    })));
    // As the worker sees it: a long poll already waiting, then a send; timed send -> receive.
    const inner: number[] = [];
    for (let k = 0; k < SIZES.floorRuns + 20; k++) {
      const receiving = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }));
      await sleep(2);
      const t = performance.now();
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ executionId: `x${k}`, enqueuedAt: Date.now() }) }));
      const out = await receiving;
      if (k >= 20) inner.push(performance.now() - t);
      for (const m of out.Messages ?? []) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      if (k % 50 === 0) progressLine(`[bench] SendMessage -> ReceiveMessage ${k}/${SIZES.floorRuns + 20}`);
    }
    endProgress();
    const sendReceive = summarize(inner);
    const bare = { p50: sandbox.bareIsolate.median, p99: sandbox.bareIsolate.p99 };
    // A management-API post to a socket of the bench's own, as the worker posts output.
    const target = await ownSocket(stack, new ExecutionStore(db, stack.store.executionsTable, stack.store.outputsTable));
    let post: Summary;
    try {
      post = await timeIt(SIZES.floorRuns, 'PostToConnection', target.post);
    } finally {
      target.close();
    }
    // The minimal path of one run: the gateway's row write and its message side by side
    // (the message as the long-polling worker sees it), the worker's claim, one fresh
    // isolate, the final write, then output and result posted one after the other.
    const path = { p50: Math.max(putItem.p50, sendReceive.p50) + 2 * updateItem.p50 + bare.p50 + 2 * post.p50 };
    return { bareIsolate: bare, sandboxPoolRun: sandbox.poolRun, sandboxPoolRunInChild: sandbox.poolRunInChild, putItem, updateItem, sendReceive, post, minimalPathP50: Math.round(path.p50 * 100) / 100 };
  } finally {
    db.destroy();
    sqs.destroy();
  }
}

/**
 * The CPU floor of one run: each store, queue and management-API call a hello world
 * makes in this design, made from this process against the stack's own emulators and
 * gateway, with the CPU of every process involved counted (this one's SDK client
 * stands for the service that makes the call); plus one fresh isolate from the
 * sandbox's snapshot, created and run in this process. However little the services
 * added, no run could cost less, so the machine's cores divided by it is the most runs
 * per second this machine could give the design.
 */
export async function cpuFloor(stack: LocalStack) {
  const n = SIZES.floorRuns * 4;
  const processes = () => [stack.gateway.pid, stack.emulators.processes.dynamodb.pid, stack.emulators.processes.sqs.pid];
  const cpuNow = () => {
    const own = process.cpuUsage();
    return (own.user + own.system) / 1000 + processes().reduce<number>((sum, pid) => sum + (cpuMs(pid) ?? 0), 0);
  };
  // Calls are made LANES at a time, as a loaded stack makes them: one at a time, each
  // would pay a process wake-up that load shares out, and the floor would be too high.
  const LANES = 8;
  const perCall = async (label: string, once: (i: number) => Promise<unknown>, lanes = LANES) => {
    for (let i = 0; i < 20; i++) await once(-1 - i);
    const before = cpuNow();
    let next = 0;
    await Promise.all(Array.from({ length: lanes }, async () => {
      for (let i = next++; i < n; i = next++) {
        await once(i);
        if (i % 100 === 0) progressLine(`[bench] CPU floor: ${label} ${i}/${n}`);
      }
    }));
    endProgress();
    return Math.round(((cpuNow() - before) / n) * 1000) / 1000;
  };
  const db = storeClient(stack);
  const sqs = queueClient(stack);
  const executions = new ExecutionStore(db, stack.store.executionsTable, stack.store.outputsTable);
  const target = await ownSocket(stack, executions);
  const { connectionId } = target;
  try {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-cpu-floor' }));
    const rows: ExecutionItem[] = [];
    const row = () => {
      const createdAt = Date.now();
      const item: ExecutionItem = {
        executionId: newExecutionId(), tokenHash: hashToken('bench'), connectionId: 'bench-floor', ownerConnectionId: 'bench-floor', language: 'javascript', code: HELLO, stdin: '',
        timeoutMs: 5000, memoryMb: 64, status: 'queued', attempt: 0, createdAt, lastSeq: 0, ttl: ttlFrom(createdAt),
      };
      rows.push(item);
      return item;
    };
    const result = (item: ExecutionItem): ResultMessage => ({
      type: 'result', executionId: item.executionId, seq: 3, status: 'succeeded', stats: { wallMs: 1, cpuMs: 1, queuedMs: 1 }, truncated: false,
    });
    const calls = {
      putItem: await perCall('PutItem (the row)', () => executions.create(row())),
      // A socket with nothing pending, as a socket that sends a run usually is.
      queryPending: await perCall('Query (the per-socket cap)', () => executions.countPending(connectionId, Date.now())),
      sendMessage: await perCall('SendMessage', () => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: encodeQueueMessage(queueMessageFor(row())) }))),
      receiveAndDelete: await perCall('ReceiveMessage + DeleteMessage', async () => {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
        for (const m of out.Messages ?? []) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      }),
      claim: await perCall('UpdateItem (the claim)', (i) => executions.claim(rows[Math.max(0, i) % rows.length]!.executionId, 'bench', Date.now(), 30_000)),
      finish: await perCall('UpdateItem (the final write)', (i) => {
        const item = rows[Math.max(0, i) % rows.length]!;
        return executions.finish(item.executionId, result(item), [], Date.now(), { anyUnfinished: true });
      }),
      // Three per run: started, output, result. Each reaches the socket as one frame.
      postToConnection: await perCall('PostToConnection', target.post),
    };
    // Whatever the loops left unfinished is ended, so the recovery sweep has nothing to pick up.
    for (const item of rows) await executions.finish(item.executionId, result(item), [], Date.now(), { anyUnfinished: true });
    step('CPU floor: fresh isolates from the runtime snapshot, in this process');
    const executor = new Executor({ warmIsolates: 1 });
    let isolate: number;
    try {
      await executor.prewarm();
      // One at a time, as a sandbox process runs them.
      isolate = await perCall('fresh isolate + hello world', async () => {
        await executor.run({ executionId: 'floor', language: 'javascript', code: HELLO, stdin: '', timeoutMs: 5000, memoryMb: 64, maxOutputBytes: 1 << 20 }, () => {});
        await executor.prewarm();
      }, 1);
    } finally {
      executor.close();
    }
    const perRunMs = calls.putItem + calls.queryPending + calls.sendMessage + calls.receiveAndDelete + calls.claim + calls.finish + 3 * calls.postToConnection + isolate;
    const cores = machine().cores as number;
    return { calls, isolate, perRunMs: Math.round(perRunMs * 100) / 100, cores, ceilingRunsPerSecond: Math.round((cores * 1000) / perRunMs) };
  } finally {
    target.close();
    sqs.destroy();
    db.destroy();
  }
}

/** Hello world, one at a time on one socket, run frame -> result frame. */
async function helloWorld(url: string, n: number, label: string, stack?: LocalStack): Promise<Summary & { cpuMsPerRun?: ReturnType<typeof cpuPerRun>; breakdownP50: Record<string, number> }> {
  const socket = await BenchSocket.connect(url);
  try {
    for (let i = 0; i < 10; i++) await socket.run(HELLO);
    const before = stack ? cpuSnapshot(stack) : undefined;
    const samples: number[] = [];
    const parts = { accepted: [] as number[], started: [] as number[], sandboxWall: [] as number[], queued: [] as number[] };
    for (let i = 0; i < n; i++) {
      const o = await socket.run(HELLO);
      if (o.stdout !== 'Hello, world!\n' || o.status !== 'succeeded') throw new Error(`hello world went wrong: ${JSON.stringify(o)}`);
      samples.push(o.latencyMs);
      parts.accepted.push(o.acceptMs);
      if (!Number.isNaN(o.startedMs)) parts.started.push(o.startedMs);
      parts.sandboxWall.push(o.wallMs);
      parts.queued.push(o.queuedMs);
      if (i % 25 === 0) progressLine(`[bench] ${label} ${i}/${n}`);
    }
    endProgress();
    totalRuns += n + 10;
    return {
      ...summarize(samples),
      // Where the wall time goes: run -> accepted (gateway), -> started (queue, claim, first post), sandbox wall, queuedMs as the worker saw it.
      breakdownP50: {
        accepted: summarize(parts.accepted).p50, started: summarize(parts.started).p50,
        sandboxWall: summarize(parts.sandboxWall).p50, queued: summarize(parts.queued).p50,
      },
      ...(stack && before ? { cpuMsPerRun: cpuPerRun(before, cpuSnapshot(stack), n) } : {}),
    };
  } finally {
    socket.close();
  }
}

/** A program logs Date.now() every 100 ms for 2 s; each line's delay is receipt minus its stamp. */
async function streaming(url: string): Promise<Summary> {
  const code = 'for (let i = 0; i < 20; i++) { console.log(Date.now()); await new Promise((r) => setTimeout(r, 100)); }';
  const socket = await BenchSocket.connect(url);
  const delays: number[] = [];
  try {
    for (let r = 0; r < SIZES.streamingRuns; r++) {
      progressLine(`[bench] streaming run ${r + 1}/${SIZES.streamingRuns}`);
      const o = await socket.run(code, {
        onOutput: (data, receivedAt) => {
          const at = performance.timeOrigin + receivedAt;
          for (const line of data.split('\n')) if (line) delays.push(at - Number(line));
        },
      });
      if (o.status !== 'succeeded') throw new Error(`streaming run ended ${o.status}`);
      totalRuns += 1;
    }
    endProgress();
    return summarize(delays);
  } finally {
    socket.close();
  }
}

/** The old design's stored-output cap: each batch rewrote the whole row, up to this much output. */
const OLD_STORED_CAP = 256 * 1024;

/**
 * Store writes and bytes per run, counted from what the store holds after the run: the
 * claim, one write per output piece, one lease renewal per heartbeat, and the final
 * write. Beside it, the same output under the old design (one row rewritten by every
 * batch, growing with the output up to its cap), counted from the same pieces.
 */
async function storeWrites(stack: LocalStack) {
  const programs = {
    'every 100 ms for 2 s': 'for (let i = 0; i < 20; i++) { console.log(Date.now()); await new Promise((r) => setTimeout(r, 100)); }',
    'a line every 5 ms for 5 s': "let i = 0; const t = setInterval(() => { console.log('line ' + i); if (++i === 1000) clearInterval(t); }, 5);",
    '20 KB every 100 ms for 3 s': "let i = 0; const t = setInterval(() => { console.log('x'.repeat(20000)); if (++i === 30) clearInterval(t); }, 100);",
  };
  const db = storeClient(stack);
  const socket = await BenchSocket.connect(stack.socketUrl);
  const rows: Array<Record<string, unknown>> = [];
  try {
    for (const [name, code] of Object.entries(programs)) {
      progressLine(`[bench] store writes: ${name}`);
      const o = await socket.run(code, { timeoutMs: 15_000 });
      totalRuns += 1;
      const pieces = (await db.send(new QueryCommand({
        TableName: stack.store.outputsTable, KeyConditionExpression: 'executionId = :id', ExpressionAttributeValues: { ':id': o.executionId },
      }))).Items ?? [];
      const row = (await db.send(new GetCommand({ TableName: stack.store.executionsTable, Key: { executionId: o.executionId } }))).Item ?? {};
      const bytes = (x: unknown) => Buffer.byteLength(JSON.stringify(x));
      const rowBytes = bytes(row);
      const pieceBytes = pieces.map(bytes);
      const renewals = Math.floor(o.wallMs / DEFAULT_TIMING.heartbeatMs);
      // Old design: every piece was one UpdateItem of the whole row, which held all output so far (to its cap).
      let stored = 0;
      let oldBytes = 0;
      for (const b of pieceBytes) {
        stored = Math.min(OLD_STORED_CAP, stored + b);
        oldBytes += rowBytes + stored;
      }
      rows.push({
        program: name, status: o.status, outputBytes: Buffer.byteLength(o.stdout),
        writes: 1 + pieces.length + renewals + 1, bytesWritten: pieceBytes.reduce((a, b) => a + b, 0) + rowBytes * (2 + renewals),
        largestItemBytes: Math.max(rowBytes, ...pieceBytes),
        oldDesign: { writes: 1 + pieces.length + renewals + 1, bytesWritten: oldBytes + rowBytes * (2 + renewals) },
      });
    }
    endProgress();
    return rows;
  } finally {
    socket.close();
    db.destroy();
  }
}

/**
 * Four programs at once whose completion value is a 100 MB string (an `[inspect.custom]`
 * returning it): the workers' peak RSS growth while they run, sampled every 20 ms, and a
 * hello world beside them. Before the result budget each such value added ~780 MB to a
 * worker and four took it to 1.9 GB.
 */
async function valueMemory(stack: LocalStack) {
  const code = "({ [Symbol.for('nodejs.util.inspect.custom')]: () => 'x'.repeat(1e8) })";
  const workerRss = () => [...stack.workers].reduce((n, w) => n + (rssKiB(w.pid) ?? 0), 0);
  const before = workerRss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, workerRss())), 20);
  const socket = await BenchSocket.connect(stack.socketUrl);
  try {
    progressLine('[bench] four 100 MB completion values at once');
    // 256 MB isolates: the 100 MB string fits, so the value reaches the result's cut.
    const big = Promise.all(Array.from({ length: 4 }, () => socket.run(code, { timeoutMs: 10_000, memoryMb: 256 })));
    const hello = await socket.run(HELLO);
    const outcomes = await big;
    totalRuns += 5;
    endProgress();
    return { workersBeforeKiB: before, peakGrowthKiB: peak - before, valueLength: outcomes[0]!.value?.length ?? 0, statuses: outcomes.map((o) => o.status), helloBesideMs: hello.latencyMs };
  } finally {
    clearInterval(sampler);
    socket.close();
  }
}

/** Closed loops: each socket runs hello world again as soon as its last result arrives. */
async function throughput(stack: LocalStack, sockets: number, seconds: number) {
  const url = stack.socketUrl;
  progressLine(`[bench] throughput: opening ${sockets} sockets`);
  const open = await openSockets(url, sockets);
  const cpuBefore = cpuSnapshot(stack);
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let done = 0;
  const ticker = setInterval(() => progressLine(`[bench] throughput ${sockets} sockets: ${done} runs, ${Math.round((performance.now() - started) / 1000)}/${seconds} s`), 1000);
  try {
    const { outcomes, rejected, errors } = await closedLoop(open, 1, () => ({ code: HELLO, expect: 'Hello, world!\n' }), {
      until: () => performance.now() >= deadline,
      onResult: () => (done += 1),
    });
    const elapsed = (performance.now() - started) / 1000;
    clearInterval(ticker);
    endProgress();
    const lost = open.flatMap((s) => s.unfinished());
    totalRuns += outcomes.length;
    return {
      sockets, seconds: Math.round(elapsed * 10) / 10, runs: outcomes.length,
      runsPerSecond: Math.round((outcomes.length / elapsed) * 10) / 10,
      latency: summarize(outcomes.map((o) => o.latencyMs)),
      rejected, errors: errors.slice(0, 5), errorCount: errors.length, lost: lost.length,
      cpuMsPerRun: cpuPerRun(cpuBefore, cpuSnapshot(stack), outcomes.length),
    };
  } finally {
    clearInterval(ticker);
    for (const s of open) s.close();
  }
}

/**
 * CPU time per component, to see where a run's cost goes: the gateway, the workers, their
 * sandbox processes, the emulators (dynalite and fauxqs, a process each: the part of a
 * run's cost that AWS carries in the cloud), and this process (the clients).
 */
function cpuSnapshot(stack: LocalStack) {
  const workers = [...stack.workers].map((w) => w.pid!);
  const sum = (pids: number[]) => pids.reduce((a, pid) => a + (cpuMs(pid) ?? 0), 0);
  const usage = process.cpuUsage();
  return {
    gateway: cpuMs(stack.gateway.pid) ?? 0,
    workers: sum(workers),
    sandboxes: sum(workers.flatMap((pid) => childrenOf(pid))),
    emulators: (cpuMs(stack.emulators.processes.dynamodb.pid) ?? 0) + (cpuMs(stack.emulators.processes.sqs.pid) ?? 0),
    client: (usage.user + usage.system) / 1000,
  };
}

function cpuPerRun(before: ReturnType<typeof cpuSnapshot>, after: ReturnType<typeof cpuSnapshot>, runs: number) {
  const per = (k: keyof typeof before) => Math.round(((after[k] - before[k]) / Math.max(1, runs)) * 100) / 100;
  return { gateway: per('gateway'), workers: per('workers'), sandboxes: per('sandboxes'), emulators: per('emulators'), client: per('client') };
}

function memory(stack: LocalStack) {
  const workers = [...stack.workers].map((w) => ({
    pid: w.pid,
    rssKiB: rssKiB(w.pid),
    sandboxes: childrenOf(w.pid!).map((pid) => ({ pid, rssKiB: rssKiB(pid) })),
  }));
  return { gatewayKiB: rssKiB(stack.gateway.pid), workers };
}

/** Runs hello world from 500 sockets (the faster setting here) until `n` more runs have finished. */
async function runMany(url: string, n: number) {
  const open = await openSockets(url, 500);
  let done = 0;
  const ticker = setInterval(() => progressLine(`[bench] memory: ${done}/${n} runs`), 1000);
  try {
    const { errors } = await closedLoop(open, 1, () => ({ code: HELLO }), { until: () => done >= n, onResult: () => (done += 1) });
    totalRuns += done;
    return { runs: done, errors: errors.length, lost: open.flatMap((s) => s.unfinished()).length };
  } finally {
    clearInterval(ticker);
    endProgress();
    for (const s of open) s.close();
  }
}

async function idleSockets(stack: LocalStack, idleHello: Summary) {
  const before = rssKiB(stack.gateway.pid)!;
  const open = await openSockets(stack.socketUrl, SIZES.idleSockets, { onProgress: (n) => progressLine(`[bench] idle sockets: ${n}/${SIZES.idleSockets} open`) });
  endProgress();
  await sleep(2000);
  const after = rssKiB(stack.gateway.pid)!;
  try {
    const beside = await helloWorld(stack.socketUrl, SIZES.besideRuns, `hello world beside ${SIZES.idleSockets} idle sockets`);
    const stillOpen = open.filter((s) => !s.closed).length;
    return {
      sockets: SIZES.idleSockets, stillOpen, gatewayBeforeKiB: before, gatewayAfterKiB: after,
      perSocketKiB: Math.round(((after - before) / SIZES.idleSockets) * 100) / 100,
      helloBeside: beside, p50VersusIdle: Math.round((beside.p50 / idleHello.p50) * 100) / 100,
    };
  } finally {
    for (const s of open) s.close();
  }
}

/**
 * Noisy neighbour (bench/noisy.ts) on a stack of its own with the share rule at its
 * defaults: 10 sockets from 3 addresses keep 30 s CPU-bound runs queued, a fourth
 * address runs hello worlds one after another. Budgets are lifted so the flood gets in
 * (they would refuse most of it: that is their own test).
 */
async function noisyRow() {
  step(`noisy neighbour: a flood of 30 s runs from 3 addresses, ${SIZES.quietRuns} quiet hello worlds beside it`);
  const stack = await startLocalStack({
    workers: WORKERS, workerConcurrency: CONCURRENCY,
    env: { LOG_LEVEL: flags['log-level']!, SANDBOX_MS_PER_MINUTE_PER_ADDRESS: '1000000000', SANDBOX_MS_PER_MINUTE_PER_SOCKET: '1000000000' },
  });
  try {
    const out = await noisyNeighbour(stack.socketUrl, { quietRuns: SIZES.quietRuns });
    const { resultsPerRun } = await out.finish();
    totalRuns += out.quietMs.length + out.noisyAccepted;
    return {
      quiet: summarize(out.quietMs), firstQuietMs: Math.round(out.quietMs[0] ?? NaN), noisyAccepted: out.noisyAccepted, noisyStarted: out.noisyStarted,
      noisyEndedOnce: resultsPerRun.every((n) => n === 1),
    };
  } finally {
    await stack.close();
  }
}

async function main(): Promise<void> {
  const began = performance.now();
  step('AWS requests per run, counted (a stack of its own that records every SDK call)');
  results.requests = await countRequests({ hello: quick ? 10 : 15, stream: quick ? 2 : 5, fails: quick ? 10 : 15 }, { sockets: 20, runsEach: quick ? 5 : 20 });
  step(`starting the local stack (${WORKERS} workers x ${CONCURRENCY})`);
  const stack = await startLocalStack({
    workers: WORKERS,
    workerConcurrency: CONCURRENCY,
    env: {
      LOG_LEVEL: flags['log-level']!,
      // The bench is one client address with many sockets: lift the abuse limits, the
      // sandbox-time budgets and the share rule (it stands for many users, not one).
      RUNS_PER_SECOND_PER_SOCKET: '100000', RUN_BURST_PER_SOCKET: '100000',
      RUNS_PER_SECOND_PER_ADDRESS: '100000', RUN_BURST_PER_ADDRESS: '100000',
      ...CROWD_FROM_ONE_ADDRESS,
    },
    progress: (s) => step(s),
  });
  try {
    results.memoryAtStart = memory(stack);
    results.floor = await floor(stack);
    results.cpuFloor = await cpuFloor(stack);
    step('hello world, idle, one at a time');
    const idle = await helloWorld(stack.socketUrl, SIZES.helloRuns, 'hello world', stack);
    results.helloWorld = idle;
    // Sockets first, while the gateway's heap is small and settled: after thousands of runs
    // its garbage collector moves RSS by more than the sockets weigh.
    step(`${SIZES.idleSockets} idle sockets`);
    results.idleSockets = await idleSockets(stack, idle);
    await sleep(2000);
    results.memoryIdle = memory(stack);
    const runsBeforeMemory = totalRuns;
    step('streaming delay');
    results.streaming = await streaming(stack.socketUrl);
    step('store writes per run');
    results.storeWrites = await storeWrites(stack);
    step('worker memory under four 100 MB completion values');
    results.valueMemory = await valueMemory(stack);
    results.throughput = [];
    for (const n of SIZES.throughputSockets) {
      step(`throughput: ${n} sockets for ${SIZES.throughputSeconds} s`);
      (results.throughput as unknown[]).push(await throughput(stack, n, SIZES.throughputSeconds));
    }
    const more = SIZES.memoryRuns - (totalRuns - runsBeforeMemory);
    if (more > 0) {
      step(`memory: ${more} more runs to reach ${SIZES.memoryRuns} since the idle reading`);
      results.memoryTopUp = await runMany(stack.socketUrl, more);
    }
    await sleep(3000);
    results.memoryAfter = { ...memory(stack), runsSinceIdle: totalRuns - runsBeforeMemory };
  } finally {
    await stack.close();
  }
  results.noisyNeighbour = await noisyRow();
  step('polling baseline (simulated in virtual time)');
  const fl = results.floor as Awaited<ReturnType<typeof floor>>;
  results.pollingBaseline = simulatePolling({ runs: SIZES.helloRuns, serviceMs: (results.helloWorld as Summary).p50, workers: WORKERS });
  results.cost = costs(results);
  results.totalRuns = totalRuns;
  results.durationSeconds = Math.round((performance.now() - began) / 1000);
  results.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  results.calibrationMsAtEnd = calibrationMs();

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(new URL(`./results-${stamp}.json`, import.meta.url), JSON.stringify(results, null, 2));
  writeFileSync(new URL('./results-latest.json', import.meta.url), JSON.stringify(results, null, 2));
  console.log(table(results, fl));
  step(`JSON in bench/results-${stamp}.json (and bench/results-latest.json)`);
}

/**
 * Dollars per million runs for each counted program, with the CPU per run measured under
 * the 50-socket load (gateway; worker with its sandboxes), on the dev stack's instance types.
 */
function costs(r: Record<string, any>) {
  const load = (r.throughput as any[] | undefined)?.[0]?.cpuMsPerRun;
  const cpu = load ? { gatewayMs: load.gateway, workerMs: load.workers + load.sandboxes } : { gatewayMs: 0, workerMs: 0 };
  const fleet = { gatewayInstanceType: 't3.small', workerInstanceType: 't3.medium' };
  return {
    prices: { region: PRICES.region, date: PRICES.date }, fleet, cpu,
    programs: (r.requests as RequestCount[]).map((c) => ({ program: c.program, load: c.load, ...costPerMillionRuns(requestsByKind(c.perRun), cpu, fleet) })),
  };
}

const ms = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);
const mib = (kib: number | undefined) => (kib === undefined ? '-' : `${(kib / 1024).toFixed(1)} MiB`);

/** The Markdown table docs/benchmarks.md carries. */
export function table(r: Record<string, any>, fl: Record<string, any>): string {
  const m = r.machine;
  const rows: string[][] = [];
  const row = (what: string, p50: string, p99: string, note = '') => rows.push([what, p50, p99, note]);
  row('floor: bare fresh isolate, hello world', ms(fl.bareIsolate.p50), ms(fl.bareIsolate.p99), 'isolated-vm in the bench process');
  row('floor: SandboxPool.run hello world (worker side)', ms(fl.sandboxPoolRun.median), ms(fl.sandboxPoolRun.p99), `inside child ${ms(fl.sandboxPoolRunInChild.median)}`);
  row('floor: DynamoDB PutItem (dynalite)', ms(fl.putItem.p50), ms(fl.putItem.p99));
  row('floor: DynamoDB conditional UpdateItem', ms(fl.updateItem.p50), ms(fl.updateItem.p99));
  row('floor: SQS SendMessage -> ReceiveMessage (fauxqs)', ms(fl.sendReceive.p50), ms(fl.sendReceive.p99), 'long poll already waiting');
  if (fl.post) row('floor: PostToConnection (management API)', ms(fl.post.p50), ms(fl.post.p99), 'to a socket on the local edge');
  row('floor: minimal path (max(Put, Send->Receive) + 2 Update + isolate + 2 posts)', ms(fl.minimalPathP50), '', 'sum of medians');
  const cf = r.cpuFloor;
  if (cf) {
    const c = cf.calls;
    row('floor: CPU of one run (all processes)', ms(cf.perRunMs), '', `at most ${cf.ceilingRunsPerSecond} runs/s on ${cf.cores} cores; CPU ms: PutItem ${c.putItem}, Query ${c.queryPending}, SendMessage ${c.sendMessage}, Receive+Delete ${c.receiveAndDelete}, claim ${c.claim}, final write ${c.finish}, PostToConnection ${c.postToConnection} (x3), fresh isolate + run ${cf.isolate}`);
  }
  for (const c of r.requests ?? []) {
    const cost = r.cost?.programs.find((p: any) => p.program === c.program && p.load === c.load);
    const perApi = Object.entries(c.perRun).map(([k, v]) => `${k.split('/')[1]!.replace(/Command$/, '')} ${v}`).join(', ');
    row(`AWS requests per run: ${c.program} (${c.runs} runs, ${c.load ? `${c.load} sockets at once` : 'one at a time'})`, String(c.total), '', `gateway ${c.byRole.gateway}, worker ${c.byRole.worker}: ${perApi}${cost ? `; $${cost.total} per million runs (API Gateway ${cost.apiGateway}, SQS ${cost.sqs}, DynamoDB ${cost.dynamodb}, EC2 ${cost.ec2})` : ''}`);
  }
  const h = r.helloWorld;
  row(`hello world end to end, idle, ${h.n} runs`, ms(h.p50), ms(h.p99), `${(h.p50 / fl.minimalPathP50).toFixed(1)}x the minimal path, ${(h.p50 / fl.bareIsolate.p50).toFixed(1)}x the bare isolate`);
  const cpu = (c: any) => (c ? `CPU ms per run: gateway ${c.gateway}, workers ${c.workers}, sandboxes ${c.sandboxes}, emulators ${c.emulators}, client ${c.client}` : '');
  const b = h.breakdownP50;
  row('  where the time goes (p50 of each, ms from the run frame)', '', '', `accepted ${ms(b.accepted)}, started ${ms(b.started)}, result ${ms(h.p50)}; sandbox wall ${ms(b.sandboxWall)}; queuedMs (gateway write -> claim) ${ms(b.queued)}`);
  if (h.cpuMsPerRun) row('  where the CPU goes (idle hello world)', '', '', cpu(h.cpuMsPerRun));
  const s = r.streaming;
  row(`streaming delay, console.log -> client (${s.n} lines)`, ms(s.p50), ms(s.p99), 'includes the 4 ms output batching');
  for (const w of r.storeWrites ?? []) {
    const kib = (b: number) => (b < 1024 ? `${b} B` : `${(b / 1024).toFixed(0)} KiB`);
    row(`store writes: ${w.program} (${kib(w.outputBytes)} printed)`, '', '', `${w.writes} writes, ${kib(w.bytesWritten)} written, largest item ${kib(w.largestItemBytes)}; the same output in the old one-row design: ${kib(w.oldDesign.bytesWritten)} written`);
  }
  const v = r.valueMemory;
  if (v) row('four 100 MB completion values at once', '', '', `workers' RSS peak +${mib(v.peakGrowthKiB)} (was ~780 MB a value); each result's value cut to ${v.valueLength} characters, ${v.statuses.join('/')}; a hello world beside them ${ms(v.helloBesideMs)}`);
  for (const t of r.throughput) {
    row(`throughput, ${t.sockets} sockets x ${t.seconds} s`, ms(t.latency.p50), ms(t.latency.p99), `${t.runsPerSecond} runs/s, ${t.runs} runs, lost ${t.lost}, errors ${t.errorCount}; ${cpu(t.cpuMsPerRun)}`);
  }
  const i = r.idleSockets;
  if (i) row(`hello world beside ${i.sockets} idle sockets`, ms(i.helloBeside.p50), ms(i.helloBeside.p99), `${i.p50VersusIdle}x idle p50; gateway ${i.perSocketKiB} KiB per socket (${mib(i.gatewayBeforeKiB)} -> ${mib(i.gatewayAfterKiB)}), ${i.stillOpen} still open`);
  const mem = (x: any) => `gateway ${mib(x.gatewayKiB)}; workers ${x.workers.map((w: any) => mib(w.rssKiB)).join(', ')}; sandboxes ${x.workers.map((w: any) => w.sandboxes.map((c: any) => mib(c.rssKiB)).join('/')).join(', ')}`;
  row('memory idle (after warm-up)', '', '', mem(r.memoryIdle));
  row(`memory after ${r.memoryAfter.runsSinceIdle} more runs`, '', '', mem(r.memoryAfter));
  const nn = r.noisyNeighbour;
  if (nn) row(`noisy neighbour: quiet hello world during a flood (${nn.quiet.n} runs)`, ms(nn.quiet.p50), ms(nn.quiet.p99), `beside idle ${ms(h.p50)} / ${ms(h.p99)}; 10 sockets from 3 addresses, ${nn.noisyAccepted} runs of while (true) at 30 s queued; first quiet run ${ms(nn.firstQuietMs)}; ${nn.noisyStarted} noisy runs started meanwhile; each noisy run ended once: ${nn.noisyEndedOnce}`);
  const p = r.pollingBaseline;
  row('polling baseline (simulated): hello world', ms(p.latency.p50), ms(p.latency.p99), `${(p.latency.p50 / h.p50).toFixed(0)}x push; saturated ${p.saturatedRunsPerSecond} runs/s`);
  // Its calls per run, from the seed's design: submit (row + message), a poll every 5 s
  // until the result, then the worker's receive, read, two updates and delete; plus the
  // empty receives every worker makes every 10 s whether or not there is work.
  const polls = Math.ceil(p.latency.p50 / 5000);
  row('polling baseline: AWS requests per hello world', String(2 + polls + 5), '', `PutItem 1, SendMessage 1, GetItem ${polls} (polls), ReceiveMessage 1, GetItem 1, UpdateItem 2, DeleteMessage 1; plus 6 empty receives a minute per worker`);
  const lines = [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; ${m.date}; load average ${r.loadAverageAtStart.join(' ')} at start, ${r.loadAverageAtEnd.join(' ')} at end; calibration loop ${r.calibrationMsAtStart} ms at start, ${r.calibrationMsAtEnd} ms at end (lower is faster)`,
    `Stack: ${r.workers} worker processes x ${r.concurrency} sandboxes, one gateway, dynalite + fauxqs; ${r.totalRuns} runs in ${r.durationSeconds} s`,
    '',
    '| figure | p50 | p99 | notes |',
    '| --- | --- | --- | --- |',
    ...rows.map((c) => `| ${c.join(' | ')} |`),
  ];
  return lines.join('\n');
}

if (import.meta.main) {
  main().then(() => process.exit(0), (err: unknown) => {
    endProgress();
    console.error('[bench] failed:', err);
    process.exit(1);
  });
}
