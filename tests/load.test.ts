/**
 * The load tool, briefly, as a person runs it: a process pointed at a local stack, whose
 * exit code and summary say whether every accepted execution got exactly one result.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROWD_FROM_ONE_ADDRESS, startLocalStack, type LocalStack } from '@playground/local';

const LOAD = fileURLToPath(new URL('../bench/load.ts', import.meta.url));
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    workers: 1,
    workerConcurrency: 4,
    env: { ...CROWD_FROM_ONE_ADDRESS, LOG_LEVEL: 'warn', RUNS_PER_SECOND_PER_ADDRESS: '1000', RUN_BURST_PER_ADDRESS: '1000' },
  });
});

afterAll(async () => {
  await stack?.close();
});

function load(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [LOAD, ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('npm run load', () => {
  it('drives a local stack for a few seconds, exits 0, and reports every accepted run finished once', async () => {
    const { code, stdout, stderr } = await load(['--url', stack.socketUrl, '--sockets', '4', '--rate', '10', '--duration', '3', '--json']);
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ ok: true, lost: 0, duplicatedResults: 0, unexpected: 0 });
    expect(summary.sent).toBeGreaterThanOrEqual(20);
    expect(summary.accepted).toBe(summary.sent);
    expect(summary.finished).toBe(summary.accepted);
    expect(summary.byStatus.succeeded).toBeGreaterThan(0);
    expect(stderr).toContain('[load] 1/3 s');
  }, 150_000);

  it('refuses a URL that is not loopback unless told it is the caller\'s own', async () => {
    const { code, stderr } = await load(['--url', 'wss://example.com/ws', '--duration', '1']);
    expect(code).toBe(2);
    expect(stderr).toContain('add --own');
  });

  it('says which argument is wrong and exits 2', async () => {
    const { code, stderr } = await load(['--rate', 'lots']);
    expect(code).toBe(2);
    expect(stderr).toContain('--rate must be a number');
  });
});
