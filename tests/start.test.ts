/** `npm start` as a person meets it: the port it wants may be taken; Ctrl+C ends it. */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestClient, stdoutOf } from './client.ts';
import { sleep } from './fleet.ts';

const MAIN = fileURLToPath(new URL('../local/src/main.ts', import.meta.url));

/**
 * `npm start` on a free port in a process group of its own (as a terminal gives it) with
 * a data folder of its own, waited for until it says it is ready.
 */
async function startOnFreePort(env: Record<string, string>) {
  const free = createServer();
  await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', () => resolve()));
  const { port } = free.address() as { port: number };
  await new Promise<void>((resolve) => free.close(() => resolve()));
  const child = spawn(process.execPath, [MAIN], {
    detached: true,
    env: { ...process.env, PORT: String(port), WORKERS: '1', LOG_LEVEL: 'warn', DATA_DIR: mkdtempSync(join(tmpdir(), 'start-data-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const output = { stdout: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  for (let i = 0; i < 300 && !output.stdout.includes('ready at'); i++) await sleep(100);
  return { child, port, exited, output };
}

describe('npm start', () => {
  it('says in one line that the port is in use and how to pick another, without a stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const { port } = blocker.address() as { port: number };
    try {
      const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: String(port), WORKERS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(2);
      expect(stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(stderr).toContain('PORT=');
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it('hands the limits the services document to them: with ACTIVE_RUNS_PER_SOCKET=1 and one slot busy, a second run is refused', async () => {
    const { child, port, exited } = await startOnFreePort({ ACTIVE_RUNS_PER_SOCKET: '1', WORKER_CONCURRENCY: '1' });
    try {
      const client = await TestClient.connect(`ws://127.0.0.1:${port}/ws`);
      // One worker with one slot, busy: the second run waits in the queue, so the soft
      // cap (a worker that claims first wins) cannot let it through.
      const first = await client.run('setTimeout(() => {}, 2000)');
      const second = await client.request({ action: 'run', language: 'javascript', code: '1' });
      expect(second).toMatchObject({ type: 'rejected', error: { code: 'rate_limited', message: expect.stringMatching(/1 runs queued or running/) } });
      await first.result();
      client.ws.terminate();
    } finally {
      try {
        process.kill(-child.pid!, 'SIGINT');
        await exited;
      } catch {
        // already gone
      }
    }
  });

  it('on Ctrl+C (SIGINT to its whole process group) lets a running program finish and deliver its result, then leaves nothing running', async () => {
    const { child, port, exited, output } = await startOnFreePort({});
    try {
      expect(output.stdout).toContain('ready at');
      const client = await TestClient.connect(`ws://127.0.0.1:${port}/ws`);
      const run = await client.run("for (let i = 0; i < 3; i++) { console.log('tick ' + i); await new Promise((r) => setTimeout(r, 300)); }");
      await client.waitFor((m) => m.type === 'output' && m.executionId === run.executionId);
      process.kill(-child.pid!, 'SIGINT');
      expect(await run.result()).toMatchObject({ status: 'succeeded' });
      expect(stdoutOf(run.events())).toBe('tick 0\ntick 1\ntick 2\n');
      expect(await exited).toBe(0);
      expect(output.stdout).toContain('[start] stopped');
      // Nothing of the group is left: gateway, workers, sandboxes, emulators.
      await sleep(200);
      expect(() => process.kill(-child.pid!, 0)).toThrow();
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
});
