/** A pinned fleet stays at its size: a worker that dies on its own is replaced. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@playground/local';
import { TestClient, stdoutOf } from './client.ts';
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
