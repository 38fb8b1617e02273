/**
 * AWS under stress: a proxy in front of DynamoDB, SQS and the management endpoint answers
 * a share of calls with throttling, 500/503, connection resets or 2-second stalls. Under
 * steady load with 5% and then 20% of calls faulted, nothing is lost and nothing runs
 * twice; clients get protocol answers; when the faults stop, the stack serves as before.
 * Runs with the soak (`npm run test:soak`): a minute of injected faults is too long for `npm test`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROWD_FROM_ONE_ADDRESS, startLocalStack, type LocalStack } from '@playground/local';
import { TestClient, stdoutOf } from '../client.ts';

let stack: LocalStack;
const clients: TestClient[] = [];

beforeAll(async () => {
  stack = await startLocalStack({
    workers: 2,
    workerConcurrency: 4,
    faults: { rate: 0 },
    timing: { leaseMs: 6000, heartbeatMs: 1000, visibilityTimeoutSeconds: 8 },
    // Six sockets on one loopback address stand for six people: budgets and the fair share off.
    env: { ...CROWD_FROM_ONE_ADDRESS, LOG_LEVEL: 'error', RUN_BURST_PER_ADDRESS: '100000', RUNS_PER_SECOND_PER_ADDRESS: '100000', RUN_BURST_PER_SOCKET: '100000', RUNS_PER_SECOND_PER_SOCKET: '100000' },
  });
  for (let i = 0; i < 6; i++) clients.push(await TestClient.connect(stack.socketUrl));
}, 60_000);

afterAll(async () => {
  for (const c of clients) if (c.open) c.ws.terminate();
  await stack?.close();
});

/** Runs `perSocket` programs on each socket, a few at a time, and checks each one's end. */
async function steadyLoad(perSocket: number) {
  const outcome = { accepted: 0, unavailable: 0, other: [] as unknown[], attemptsAboveOne: 0 };
  await Promise.all(clients.map(async (client, s) => {
    for (let i = 0; i < perSocket; i++) {
      const token = `s${s}-r${i}-${Math.random().toString(36).slice(2, 8)}`;
      const reply = await client.request({ action: 'run', language: 'javascript', code: `console.log(${JSON.stringify(token)}); for (let i = 0; i < 3; i++) { await new Promise((r) => setTimeout(r, 20)); console.log(i) }` }, 60_000);
      if (reply.type === 'rejected') {
        if (reply.error.code === 'unavailable' && reply.error.retryAfterMs !== undefined) outcome.unavailable += 1;
        else outcome.other.push(reply);
        continue;
      }
      if (reply.type !== 'accepted') {
        outcome.other.push(reply);
        continue;
      }
      outcome.accepted += 1;
      const { executionId } = reply;
      await client.waitFor((m) => m.type === 'result' && m.executionId === executionId, 60_000);
      const events = client.eventsOf(executionId);
      expect(events.filter((e) => e.type === 'result')).toHaveLength(1);
      const starts = events.filter((e) => e.type === 'started') as Array<{ attempt: number }>;
      if (starts.some((e) => e.attempt > 1)) outcome.attemptsAboveOne += 1;
      // Nothing lost, nothing run twice: the program's output exactly once.
      expect(stdoutOf(events)).toBe(`${token}\n0\n1\n2\n`);
      const seqs = events.map((e) => e.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(seqs.map((_, k) => k + 1));
    }
  }));
  return outcome;
}

describe('AWS faults', () => {
  for (const rate of [0.05, 0.2]) {
    it(`with ${rate * 100}% of calls faulted, every accepted run ends once with all its output, and refusals say unavailable with retryAfterMs`, async () => {
      for (const proxy of Object.values(stack.faults!)) proxy.setRate(rate);
      const outcome = await steadyLoad(rate < 0.1 ? 12 : 8);
      const faulted = Object.fromEntries(Object.entries(stack.faults!).map(([k, p]) => [k, { ...p.counts }]));
      console.log(`faults ${rate}: ${JSON.stringify(outcome)} ${JSON.stringify(faulted)}`);
      expect(outcome.other).toEqual([]);
      expect(outcome.accepted).toBeGreaterThan(0);
    }, 240_000);
  }

  it('once the faults stop, runs are served as before', async () => {
    for (const proxy of Object.values(stack.faults!)) proxy.setRate(0);
    const outcome = await steadyLoad(3);
    expect(outcome).toMatchObject({ accepted: 18, unavailable: 0, other: [] });
  }, 120_000);
});
