/**
 * Slow and hostile clients at the local edge: one that never reads while its runs print
 * the whole output cap, and thousands of sockets connecting and dropping in a loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import WebSocket from 'ws';
import { CROWD_FROM_ONE_ADDRESS, startLocalStack, type LocalStack } from '@playground/local';
import { TestClient, stdoutOf } from './client.ts';
import { storeClient } from './fleet.ts';

let stack: LocalStack;
const logs: string[] = [];

beforeAll(async () => {
  stack = await startLocalStack({
    workers: 2,
    workerConcurrency: 4,
    log: (line: string) => {
      logs.push(line);
      if (process.env.DEBUG_STACK) console.log(line);
    },
    env: { ...CROWD_FROM_ONE_ADDRESS, LOG_LEVEL: 'warn', ACTIVE_RUNS_PER_SOCKET: '64', RUN_BURST_PER_ADDRESS: '100000', RUNS_PER_SECOND_PER_ADDRESS: '100000', RUN_BURST_PER_SOCKET: '100000', RUNS_PER_SECOND_PER_SOCKET: '100000' },
  });
});

afterAll(async () => {
  await stack?.close();
});

const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

describe('a client that never reads', () => {
  it('is closed (1008, then dropped) once it leaves 4 MiB unsent; the gateway stays bounded, its runs end and are stored, others are served', async () => {
    const reader = await TestClient.connect(stack.socketUrl);
    const silent = await TestClient.connect(stack.socketUrl);
    const before = rssKiB(stack.gateway.pid!);
    // Forty runs of 1 MiB each: more than the kernel's loopback buffers and the edge's limit.
    const runs = await Promise.all(Array.from({ length: 40 }, () => silent.run("console.log('x'.repeat(1024 * 1024 - 100))", { timeoutMs: 20_000 })));
    (silent.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const hello = await reader.run("console.log('still served')");
    expect((await hello.result()).status).toBe('succeeded');
    expect(stdoutOf(hello.events())).toBe('still served\n');
    // The gateway gives up on it (it says so in its log), then the client, reading again, finds it closed.
    for (let i = 0; i < 600 && !logs.some((l) => l.includes('closing a socket that does not read')); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    (silent.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const { code } = await silent.closed;
    expect([1008, 1006]).toContain(code);
    const grownMiB = (rssKiB(stack.gateway.pid!) - before) / 1024;
    console.log(`gateway RSS grew ${grownMiB.toFixed(1)} MiB while a client left 40 MiB unread`);
    expect(grownMiB).toBeLessThan(64);
    // Every run ended and its result is stored: a resume from a new socket replays it.
    const again = await TestClient.connect(stack.socketUrl);
    for (const r of runs) {
      await again.request({ action: 'resume', executionId: r.executionId, token: r.token, afterSeq: 0 });
      const result = await again.waitFor((m) => m.type === 'result' && m.executionId === r.executionId, 30_000);
      expect(result).toMatchObject({ status: 'succeeded' });
    }
    again.ws.terminate();
    reader.ws.terminate();
  }, 120_000);
});

describe('sockets that connect and drop in a loop', () => {
  it('leave no connection row and no per-address state behind: 2,000 of them, then the address still connects', async () => {
    const db = storeClient(stack);
    const rows = async () => (await db.send(new ScanCommand({ TableName: stack.store.connectionsTable, Select: 'COUNT' }))).Count ?? 0;
    try {
      // No socket is open now (the test before closed its own): wait for their rows to go.
      for (let i = 0; i < 100 && (await rows()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      const base = await rows();
      expect(base).toBe(0);
      // 2,000 sockets, 50 at a time, each dropped at once (some before their handshake completes).
      for (let batch = 0; batch < 40; batch++) {
        await Promise.all(Array.from({ length: 50 }, (_, i) => new Promise<void>((resolve) => {
          const ws = new WebSocket(stack.socketUrl);
          ws.on('error', () => resolve());
          ws.on('close', () => resolve());
          if (i % 5 === 0) setTimeout(() => ws.terminate(), 1);
          else ws.on('open', () => ws.terminate());
        })));
      }
      // $disconnect runs after the close; give the gateway a moment to record every one.
      for (let i = 0; i < 100 && (await rows()) > base; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await rows()).toBe(base);
      // The per-address socket count (200 by default) came back down: 250 more sockets open.
      const held = await Promise.all(Array.from({ length: 199 }, () => TestClient.connect(stack.socketUrl)));
      expect(held.every((c) => c.open)).toBe(true);
      for (const c of held) c.ws.terminate();
    } finally {
      db.destroy();
    }
  }, 120_000);
});
