/**
 * Fairness against the real local stack: a fixed fleet (2 workers, 4 sandboxes each)
 * flooded by noisy sockets from three addresses with CPU-bound runs at the longest
 * timeout, while a quiet address runs hello worlds; and the sandbox-time budgets, with
 * their settlement through the tenants table.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalStack, type LocalStack } from '@playground/local';
import { noisyNeighbour, percentiles } from '../bench/noisy.ts';
import { isFinal } from '@playground/shared/executions';
import { TestClients, type TestClient } from './client.ts';
import { clientsFor, sleep, extraGateway } from './fleet.ts';

vi.setConfig({ testTimeout: 240_000 });

let stack: LocalStack;
const clients = new TestClients(() => stack.socketUrl);

const gatewayWith = (env: Record<string, string>) => extraGateway(stack, env);

beforeAll(async () => {
  // The flood must get past the budgets to test the share rule on its own: they are
  // raised here, and tested with their defaults' arithmetic on a gateway of their own below.
  stack = await startLocalStack({
    workers: 2, workerConcurrency: 4,
    env: { LOG_LEVEL: 'warn', SANDBOX_MS_PER_MINUTE_PER_ADDRESS: '100000000', SANDBOX_MS_PER_MINUTE_PER_SOCKET: '100000000' },
  });
});

afterAll(async () => {
  clients.terminateAll();
  await stack?.close();
});

describe('a quiet user beside a flood', () => {
  it('gets hello worlds back promptly while noisy sockets keep the longest runs queued, and every noisy run ends once', async () => {
    const out = await noisyNeighbour(stack.socketUrl, { quietRuns: 50 });
    const quiet = percentiles(out.quietMs);
    console.log(`[fairness] quiet hello world during the flood over ${out.quietMs.length} runs: p50 ${Math.round(quiet.p50)} ms, p99 ${Math.round(quiet.p99)} ms; `
      + `noisy accepted ${out.noisyAccepted} (refused ${JSON.stringify(out.noisyRefused)}), started ${out.noisyStarted}, ended ${JSON.stringify(out.noisyResults)}`);
    const { resultsPerRun } = await out.finish();
    // Up to the 16 runs a socket may have queued, times 10 sockets; on a busy machine
    // some meet a slow store and are refused `unavailable`: enough stay to flood 8 slots.
    expect(out.noisyAccepted).toBeGreaterThan(60);
    // The noisy users progress: every slot they may hold was in use.
    expect(out.noisyStarted).toBeGreaterThanOrEqual(6);
    expect(resultsPerRun.every((n) => n === 1)).toBe(true);
    // Before: 47 s (every slot held by 30 s runs). The goal is 2 s on a quiet machine;
    // the bound is generous because this machine is shared and the flood spins 6 cores' worth on 2.
    expect(quiet.p50).toBeLessThan(5_000);
    expect(quiet.p99).toBeLessThan(15_000);
  });
});

describe('budgets of sandbox time', () => {
  it('refuse past the budget naming it, and runs that used little are settled so the next fits', async () => {
    // A gateway of its own with a 10 s budget. Workers post to the stack's gateway, so
    // this one's socket sees no results: the runs' ends are read from the store.
    const gateway = await gatewayWith({ SANDBOX_MS_PER_MINUTE_PER_ADDRESS: '10000', SANDBOX_MS_PER_MINUTE_PER_SOCKET: '10000' });
    const aws = clientsFor(stack);
    const ended = async (executionId: string) => {
      for (let i = 0; i < 600; i++) {
        const row = await aws.executions.get(executionId);
        if (row && isFinal(row.status)) return row;
        await sleep(100);
      }
      throw new Error(`${executionId} did not end`);
    };
    const run = async (client: TestClient, code: string, timeoutMs: number) =>
      client.request({ action: 'run', language: 'javascript', code, timeoutMs });
    try {
      const client = await clients.connect({ url: gateway.url, localAddress: '127.0.0.30' });
      // Hello worlds are charged their 5 s timeout each at accept: by memory alone the
      // 10 s budget (draining 1/6 s a second) is spent after the third, but the workers
      // settle each at what it used, which the gateway reads when memory says over.
      for (let i = 0; i < 4; i++) {
        const reply = await run(client, "console.log('hi')", 5000);
        expect(reply.type).toBe('accepted');
        expect((await ended((reply as { executionId: string }).executionId)).status).toBe('succeeded');
      }
      // A loop charged 30 s spends it; the next run is refused, and says which budget.
      const loop = await run(client, 'while (true) {}', 30_000);
      expect(loop.type).toBe('accepted');
      const reply = await run(client, "console.log('more')", 5000);
      expect(reply).toMatchObject({ type: 'rejected', error: { code: 'rate_limited' } });
      const error = (reply as { error: { message: string; retryAfterMs: number } }).error;
      expect(error.message).toMatch(/this socket used its 10 s of sandbox time per minute/);
      expect(error.retryAfterMs).toBeGreaterThan(0);
      await client.request({ action: 'cancel', executionId: (loop as { executionId: string }).executionId });
      await ended((loop as { executionId: string }).executionId);
    } finally {
      aws.destroy();
      await gateway.stop();
    }
  });
});
