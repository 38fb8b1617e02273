/**
 * Requests per run by API, counted, not estimated: a stack of its own whose gateway and
 * workers record every AWS SDK call (infra/testing/record-aws-calls.ts, the same
 * recorder the IAM test uses), then programs run one after another and each call in the
 * window is counted against them. Receives and deletes are counted as they happen, so a
 * long poll that returns for a run counts for that run, and batched deletes count by the
 * share of the batch.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CROWD_FROM_ONE_ADDRESS, startLocalStack } from '@playground/local';
import { BenchSocket, endProgress, progressLine } from './lib.ts';

export const PROGRAMS = {
  hello: "console.log('Hello, world!')",
  stream: 'for (let i = 0; i < 20; i++) { console.log(i); await new Promise((r) => setTimeout(r, 100)); }',
  fails: "throw new Error('boom')",
} as const;

export type CountedProgram = keyof typeof PROGRAMS;

export interface RequestCount {
  program: CountedProgram;
  runs: number;
  /** Sockets running at once (absent: one run at a time). */
  load?: number;
  /** `Client/Command` -> calls per run, for the gateway and the workers together. */
  perRun: Record<string, number>;
  byRole: { gateway: number; worker: number };
  total: number;
}

const RECORDER = resolve(import.meta.dirname, '../infra/testing/record-aws-calls.ts');

/** Calls in a window, per run, by `Client/Command` and by role. */
function perRunOf(calls: Array<{ role: string; client: string; command: string }>, n: number) {
  const perRun: Record<string, number> = {};
  const byRole = { gateway: 0, worker: 0 };
  for (const c of calls) {
    if (c.role !== 'gateway' && c.role !== 'worker') continue;
    // The document client sends through the DynamoDB client: count the call once.
    if (c.client === 'DynamoDBClient' && c.command.endsWith('ItemCommand')) continue;
    const key = `${c.client.replace(/Document/, '')}/${c.command}`;
    perRun[key] = (perRun[key] ?? 0) + 1 / n;
    byRole[c.role] += 1 / n;
  }
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    perRun: Object.fromEntries(Object.entries(perRun).map(([k, v]) => [k, r2(v)])),
    byRole: { gateway: r2(byRole.gateway), worker: r2(byRole.worker) },
    total: r2(Object.values(perRun).reduce((a, b) => a + b, 0)),
  };
}

export async function countRequests(runs: Record<CountedProgram, number>, load?: { sockets: number; runsEach: number }): Promise<RequestCount[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-calls-')), 'calls.jsonl');
  const lines = () => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);
  const stack = await startLocalStack({
    workers: 1,
    workerConcurrency: 4,
    // One address stands for many people here: budgets lifted, the fair share kept on
    // (its bookkeeping is part of what a run costs).
    env: {
      NODE_OPTIONS: `--import ${RECORDER}`, RECORD_AWS_CALLS: file, LOG_LEVEL: 'warn',
      SANDBOX_MS_PER_MINUTE_PER_ADDRESS: CROWD_FROM_ONE_ADDRESS.SANDBOX_MS_PER_MINUTE_PER_ADDRESS!,
      SANDBOX_MS_PER_MINUTE_PER_SOCKET: CROWD_FROM_ONE_ADDRESS.SANDBOX_MS_PER_MINUTE_PER_SOCKET!,
    },
  });
  const counts: RequestCount[] = [];
  let socket: BenchSocket | undefined;
  try {
    for (const program of Object.keys(PROGRAMS) as CountedProgram[]) {
      // A socket of its own per program, as a person has (a socket that ran its cap of
      // runs in the last minute also pays the gateway's count of unfinished runs); its
      // first run warms up and is not counted.
      socket?.close();
      socket = await BenchSocket.connect(stack.socketUrl);
      await socket.run(PROGRAMS.hello);
      await new Promise((r) => setTimeout(r, 300));
      const n = runs[program];
      const before = lines().length;
      for (let i = 0; i < n; i++) {
        progressLine(`[bench] requests per run: ${program} ${i + 1}/${n}`);
        await socket.run(PROGRAMS[program], { timeoutMs: 10_000 });
      }
      // Deletes are batched and posts trail the result: let them land in this window.
      await new Promise((r) => setTimeout(r, 500));
      const calls = lines().slice(before).map((l) => JSON.parse(l) as { role: string; client: string; command: string });
      counts.push({ program, runs: n, ...perRunOf(calls, n) });
    }
    if (load) {
      // Hello worlds from many sockets at once: receives and deletes are shared by a batch.
      socket?.close();
      socket = undefined;
      const sockets = await Promise.all(Array.from({ length: load.sockets }, () => BenchSocket.connect(stack.socketUrl)));
      try {
        await Promise.all(sockets.map((s) => s.run(PROGRAMS.hello)));
        await new Promise((r) => setTimeout(r, 300));
        const before = lines().length;
        progressLine(`[bench] requests per run: hello from ${load.sockets} sockets at once`);
        await Promise.all(sockets.map(async (s) => {
          for (let i = 0; i < load.runsEach; i++) await s.run(PROGRAMS.hello);
        }));
        await new Promise((r) => setTimeout(r, 500));
        const n = load.sockets * load.runsEach;
        const calls = lines().slice(before).map((l) => JSON.parse(l) as { role: string; client: string; command: string });
        counts.push({ program: 'hello', runs: n, load: load.sockets, ...perRunOf(calls, n) });
      } finally {
        for (const s of sockets) s.close();
      }
    }
    endProgress();
    return counts;
  } finally {
    socket?.close();
    await stack.close();
  }
}

if (import.meta.main) {
  countRequests({ hello: 15, stream: 3, fails: 15 }, { sockets: 20, runsEach: 10 }).then((c) => console.log(JSON.stringify(c, null, 2)), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
