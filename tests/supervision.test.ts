/** A pinned fleet stays at its size: a worker that dies on its own is replaced. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@playground/local';
import { TestClient, stdoutOf } from './client.ts';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './fleet.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ workers: 1, replaceCrashedWorkers: true, env: { LOG_LEVEL: 'warn' } });
});
afterAll(async () => {
  await stack?.close();
});

describe('worker supervision', () => {
  it('replaces a worker that crashed, and not one that was stopped on purpose', async () => {
    const [first] = [...stack.workers];
    process.kill(first!.pid!, 'SIGKILL');
    for (let i = 0; i < 300 && !([...stack.workers].some((w) => w !== first)); i++) await sleep(50);
    const [second] = [...stack.workers];
    expect(stack.workers.size).toBe(1);
    expect(second).not.toBe(first);
    const client = await TestClient.connect(stack.socketUrl);
    const run = await client.run("console.log('served')");
    await run.result();
    expect(stdoutOf(run.events())).toBe('served\n');
    client.ws.terminate();

    expect(await stack.stopWorker(second!, 'SIGTERM')).toBe(0);
    await sleep(1000);
    expect(stack.workers.size).toBe(0);
  });
});

describe('emulator processes', () => {
  it('outlive a Ctrl+C, and stop by themselves when the process that started them is killed', async () => {
    const script = `
      const { startEmulators } = await import(${JSON.stringify(new URL('../local/src/emulators.ts', import.meta.url).href)});
      const e = await startEmulators({});
      console.log(JSON.stringify([e.processes.dynamodb.pid, e.processes.sqs.pid]));
      setInterval(() => {}, 1000);`;
    // A file, not --eval: forks inherit the parent's flags, and --input-type would break theirs.
    const file = join(mkdtempSync(join(tmpdir(), 'emulators-')), 'parent.mjs');
    writeFileSync(file, script);
    const parent = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pids = await new Promise<number[]>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(JSON.parse(String(d)) as number[])));
    expect(pids.every(alive)).toBe(true);
    // Ctrl+C reaches every process of the group; the emulators wait for their stack to stop them.
    for (const pid of pids) process.kill(pid, 'SIGINT');
    await sleep(300);
    expect(pids.every(alive)).toBe(true);
    parent.kill('SIGKILL');
    for (let i = 0; i < 100 && pids.some(alive); i++) await sleep(50);
    expect(pids.filter(alive)).toEqual([]);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
