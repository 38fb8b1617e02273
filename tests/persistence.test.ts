/**
 * `npm start` keeps its data in a folder: a restart keeps past executions (resume still
 * replays them) and `--fresh` starts empty.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '@playground/local';
import { TestClient, stdoutOf } from './client.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'playground-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the local stack across restarts', () => {
  it('keeps a finished execution through a restart, and forgets it when started fresh', async () => {
    let stack = await startLocalStack({ workers: 1, dataDir, env: { LOG_LEVEL: 'warn' } });
    let executionId: string;
    let token: string;
    try {
      const client = await TestClient.connect(stack.socketUrl);
      const run = await client.run("console.log('remember me')");
      await run.result();
      ({ executionId, token } = run);
      client.ws.terminate();
    } finally {
      await stack.close();
    }

    stack = await startLocalStack({ workers: 1, dataDir, env: { LOG_LEVEL: 'warn' } });
    try {
      const client = await TestClient.connect(stack.socketUrl);
      await client.request({ action: 'resume', executionId, token });
      const result = await client.waitFor((m) => m.type === 'result' && m.executionId === executionId);
      expect(result).toMatchObject({ status: 'succeeded' });
      expect(stdoutOf(client.eventsOf(executionId))).toBe('remember me\n');
      client.ws.terminate();
    } finally {
      await stack.close();
    }

    stack = await startLocalStack({ workers: 1, dataDir, fresh: true, env: { LOG_LEVEL: 'warn' } });
    try {
      const client = await TestClient.connect(stack.socketUrl);
      const reply = await client.request({ action: 'resume', executionId, token });
      expect(reply).toMatchObject({ type: 'error', error: { code: 'not_found' } });
      client.ws.terminate();
    } finally {
      await stack.close();
    }
  });
});
