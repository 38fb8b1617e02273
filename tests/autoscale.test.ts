/**
 * Elastic workers on the real local stack: a burst of slow runs against one worker makes
 * the autoscaler start more, the burst drains with every run ended exactly once, and the
 * fleet shrinks back after the cooldown. Cooldowns are short here so the test is quick;
 * the policy is the one `npm start` uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Autoscaler, CROWD_FROM_ONE_ADDRESS, startLocalStack, type AutoscaleEvent, type Fleet, type LocalStack } from '@playground/local';
import type { ResultMessage } from '@playground/shared';
import { TestClients, stdoutOf, type TestClient } from './client.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let stack: LocalStack;
const clients = new TestClients(() => stack.socketUrl);
const logLines: string[] = [];

beforeAll(async () => {
  stack = await startLocalStack({
    workers: 1,
    workerConcurrency: 4,
    // A scale-in during the burst abandons that worker's long poll; whatever SQS handed to
    // it comes back after the visibility timeout. Short here, so such a run is late by seconds.
    timing: { visibilityTimeoutSeconds: 5 },
    autoscale: { min: 1, max: 4, targetBacklogPerWorker: 10, scaleOutCooldownMs: 1_000, scaleInCooldownMs: 3_000, intervalMs: 250 },
    env: {
      LOG_LEVEL: 'warn',
      // One test client submits the whole burst at once: lift the per-socket and per-address
      // limits, budgets and share rule (it stands for many users).
      ...CROWD_FROM_ONE_ADDRESS,
      RUNS_PER_SECOND_PER_SOCKET: '1000', RUN_BURST_PER_SOCKET: '1000',
      RUNS_PER_SECOND_PER_ADDRESS: '1000', RUN_BURST_PER_ADDRESS: '1000',
    },
    log: (line) => {
      logLines.push(line);
      if (process.env.DEBUG_STACK) console.log(line);
    },
  });
});

afterAll(async () => {
  clients.terminateAll();
  await stack?.close();
});

/** Polls until `check` holds; fails with `what` after `timeoutMs`. */
async function eventually(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

describe('the local autoscaler', () => {
  it('scales out for a burst of 300 slow runs, drains it with one result each, then scales back in', async () => {
    const autoscaler = stack.autoscaler!;
    expect(autoscaler).toBeDefined();
    expect(stack.workers.size).toBe(1);

    let largest = stack.workers.size;
    const sampler = setInterval(() => (largest = Math.max(largest, stack.workers.size)), 50);
    try {
      const burstAt = Date.now();
      // 25 sockets x 12 runs: under the gateway's cap of queued runs per socket (16).
      const sockets = await Promise.all(Array.from({ length: 25 }, () => clients.connect()));
      const slow = (n: number) => `await new Promise((r) => setTimeout(r, 200));\nconsole.log(${n});`;
      // Generous waits: other suites share these 2 cores, and nothing here measures speed.
      const submit = async (socket: TestClient, n: number) => {
        const reply = await socket.request({ action: 'run', language: 'javascript', code: slow(n) }, 60_000);
        if (reply.type !== 'accepted') throw new Error(`run ${n} not accepted: ${JSON.stringify(reply)}`);
        const { executionId } = reply;
        return {
          n, socket, executionId,
          events: () => socket.eventsOf(executionId),
          result: () => socket.waitFor<ResultMessage>((m) => m.type === 'result' && m.executionId === executionId, 90_000),
        };
      };
      const runs = await Promise.all(sockets.flatMap((socket, i) => Array.from({ length: 12 }, (_, j) => submit(socket, i * 12 + j))));
      expect(runs).toHaveLength(300);

      const results = await Promise.all(runs.map((run) => run.result()));
      const drainedAt = Date.now();
      if (process.env.DEBUG_STACK) console.log(`burst drained in ${drainedAt - burstAt} ms`);
      expect(results.every((r) => r.status === 'succeeded')).toBe(true);
      for (const run of runs) {
        const { n, socket } = run;
        // Delivery is at least once (a redelivered message resends what is stored), so a
        // client keeps one message per seq, as the protocol says; what counts is one result.
        const resultSeqs = new Set(socket.eventsOf(run.executionId).filter((e) => e.type === 'result').map((e) => e.seq));
        expect(resultSeqs.size).toBe(1);
        const onePerSeq = [...new Map(run.events().map((e) => [e.seq, e])).values()];
        expect(stdoutOf(onePerSeq)).toBe(`${n}\n`);
      }
      expect(new Set(runs.map((run) => run.executionId)).size).toBe(300);

      // It scaled out while the burst was still draining, not after.
      const firstOut = autoscaler.decisions.find((d) => d.action === 'scale-out');
      expect(firstOut).toBeDefined();
      expect(firstOut!.atMs).toBeLessThan(drainedAt);
      expect(largest).toBeGreaterThan(1);
      expect(largest).toBeLessThanOrEqual(4);

      // After the scale-in cooldown, idle workers are drained back to the minimum.
      await eventually('the fleet is back to one worker', () => stack.workers.size === 1 && autoscaler.inService === 1, 60_000);
      expect(autoscaler.decisions.some((d) => d.action === 'scale-in')).toBe(true);
      expect(logLines.some((l) => l.startsWith('autoscaler') && l.includes('autoscale scale-out'))).toBe(true);
      expect(logLines.some((l) => l.startsWith('autoscaler') && l.includes('autoscale scale-in'))).toBe(true);
    } finally {
      clearInterval(sampler);
    }
  }, 240_000);

  it('a worker that fails to start is logged and the loop keeps deciding', async () => {
    const events: AutoscaleEvent[] = [];
    const alive: string[] = [];
    let attempts = 0;
    const fleet: Fleet<string> = {
      workers: () => alive,
      add: async () => {
        attempts++;
        throw new Error('no room for another process');
      },
      drain: async () => {},
    };
    // An empty fleet below its minimum of one asks for a worker on every tick.
    const autoscaler = new Autoscaler<string>({
      fleet, min: 1, max: 2, concurrencyPerWorker: 4, intervalMs: 20, scaleOutCooldownMs: 0,
      queueUrl: stack.store.queueUrl, sqsEndpoint: stack.emulators.sqsEndpoint, region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      log: (e) => events.push(e),
    });
    const loop = autoscaler.run();
    await eventually('two starts were attempted', () => attempts >= 2, 10_000);
    await autoscaler.close();
    await expect(loop).resolves.toBeUndefined();
    expect(events.some((e) => e.level === 'error' && e.msg.includes('worker start failed'))).toBe(true);
  });

  it('an unreachable queue holds the fleet and is logged, without throwing', async () => {
    const events: AutoscaleEvent[] = [];
    const autoscaler = new Autoscaler<string>({
      fleet: { workers: () => ['a'], add: async () => 'b', drain: async () => {} },
      concurrencyPerWorker: 4, intervalMs: 20,
      // A port nothing listens on (port 1 is reserved and closed on loopback).
      queueUrl: 'http://127.0.0.1:1/000000000000/nope', sqsEndpoint: 'http://127.0.0.1:1', region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      log: (e) => events.push(e),
    });
    await expect(autoscaler.tick()).resolves.toBeUndefined();
    await autoscaler.close();
    expect(events.some((e) => e.level === 'warn' && e.msg.includes('could not read the queue backlog'))).toBe(true);
  });

  it('an impossible policy is refused when the autoscaler is built', () => {
    expect(() => new Autoscaler<string>({
      fleet: { workers: () => [], add: async () => 'x', drain: async () => {} },
      min: 3, max: 2, concurrencyPerWorker: 4, queueUrl: 'q', region: 'us-east-1',
    })).toThrow(/maxWorkers/);
  });
});
