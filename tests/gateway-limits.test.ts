/**
 * The gateway's own limits and failure answers: idle sockets, sockets per address,
 * and a queue or store it cannot reach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack } from '@playground/local';
import { TestClients } from './client.ts';
import { sleep, extraGateway, storeClient } from './fleet.ts';

let stack: LocalStack;
const clients = new TestClients(() => stack.socketUrl);

const gatewayWith = (env: Record<string, string>) => extraGateway(stack, env);

beforeAll(async () => {
  stack = await startLocalStack({ workers: 1, env: { LOG_LEVEL: 'warn', IDLE_TIMEOUT_MS: '1000', CONNECTIONS_PER_ADDRESS: '3' } });
});

afterAll(async () => {
  clients.terminateAll();
  await stack?.close();
});

describe('idle sockets', () => {
  it('a silent socket is closed after the idle timeout, while one that pings stays open', async () => {
    const silent = await clients.connect({ localAddress: '127.0.0.4' });
    const chatty = await clients.connect({ localAddress: '127.0.0.5' });
    const pinger = setInterval(() => chatty.send({ action: 'ping' }), 250);
    try {
      const { code, reason } = await silent.closed;
      expect(code).toBe(1001);
      expect(reason).toMatch(/idle/);
      await sleep(800);
      expect(chatty.open).toBe(true);
      expect(chatty.messages.filter((m) => m.type === 'pong').length).toBeGreaterThan(3);
    } finally {
      clearInterval(pinger);
    }
  });
});

describe('sockets per address', () => {
  it('refuses the handshake past the cap for one address, and admits again once one closes', async () => {
    const open = await Promise.all([1, 2, 3].map(() => clients.connect({ localAddress: '127.0.0.3' })));
    await expect(clients.connect({ localAddress: '127.0.0.3' })).rejects.toThrow(/429/);
    // Another address is not affected.
    await clients.connect({ localAddress: '127.0.0.6' });
    await open[0]!.close();
    await sleep(100);
    await clients.connect({ localAddress: '127.0.0.3' });
  });
});

describe('when a backing service is down', () => {
  it('a run answers unavailable when the queue cannot be reached, and nothing is left half-written', async () => {
    // The SDK sends to the queue URL's host, so a URL on a closed port is a queue that is down.
    const deadQueue = `http://127.0.0.1:9/${stack.store.queueUrl.split('/').slice(-2).join('/')}`;
    const gateway = await gatewayWith({ AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9', QUEUE_URL: deadQueue, AWS_MAX_ATTEMPTS: '1' });
    try {
      const client = await clients.connect({ url: gateway.url });
      const reply = await client.request({ action: 'run', language: 'javascript', code: "console.log('never')" });
      expect(reply).toMatchObject({ type: 'rejected', error: { code: 'unavailable', retryAfterMs: 1000 } });
      expect((reply as { error: { message: string } }).error.message).toMatch(/queue/);
      const db = storeClient(stack);
      const rows = await db.send(new ScanCommand({ TableName: stack.store.executionsTable, FilterExpression: 'code = :c', ExpressionAttributeValues: { ':c': "console.log('never')" } }));
      db.destroy();
      expect(rows.Items).toEqual([]);
      expect(await client.request({ action: 'ping' })).toMatchObject({ type: 'pong' });
    } finally {
      await gateway.stop();
    }
  });

  it('a socket is refused at the handshake when the store cannot record it', async () => {
    const gateway = await gatewayWith({ AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' });
    try {
      const ws = new WebSocket(gateway.url);
      const failure = await new Promise<string>((resolve) => ws.once('error', (err) => resolve(err.message)));
      expect(failure).toMatch(/500/);
    } finally {
      await gateway.stop();
    }
  });
});
