/**
 * The gateway alone, fast: built by its factory against an in-process DynamoDB and SQS
 * emulator, driven through Fastify's `injectWS` (no port, no processes). The whole-stack
 * suites in tests/ keep what needs processes: workers, signals, crashes, drains.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { startFauxqs } from 'fauxqs';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { FastifyInstance } from 'fastify';
import type WebSocket from 'ws';
import { localEdgeFor, provision } from '@playground/local';
import { decodeQueueMessage } from '@playground/shared/queue';
import type { StoreConfig } from '@playground/shared/config';
import { buildGateway } from './app.ts';

let app: FastifyInstance;
let store: StoreConfig;
let db: Server;
let sqsServer: { port: number; stop(): Promise<void> };
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

beforeAll(async () => {
  db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', resolve));
  sqsServer = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false }) as unknown as typeof sqsServer;
  const dynamodbEndpoint = `http://127.0.0.1:${(db.address() as AddressInfo).port}`;
  const sqsEndpoint = `http://127.0.0.1:${sqsServer.port}`;
  store = await provision({ dynamodbEndpoint, sqsEndpoint, region: 'us-east-1', credentials });
  // The services find the emulators through the SDK's standard variables, as under npm start.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint, AWS_ENDPOINT_URL_SQS: sqsEndpoint,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  });
  // The management API it posts to is the local stack's edge in front of it, on a free port.
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  app = await buildGateway({ store, managementEndpoint: `http://127.0.0.1:${port}`, edge: localEdgeFor(), ...(process.env.DEBUG_GATEWAY ? { logger: { level: 'error' } } : {}) });
  await app.listen({ port, host: '127.0.0.1' });
});

afterAll(async () => {
  await app?.close();
  await sqsServer?.stop();
  await new Promise<void>((resolve) => (db ? db.close(() => resolve()) : resolve()));
});

/** A socket through injectWS that collects what it is sent. */
async function socket() {
  const ws = (await app.injectWS('/ws')) as unknown as WebSocket;
  const received: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    received.push(JSON.parse(String(data)) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (count: number) => {
    while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return received[count - 1]!;
  };
  return { ws, received, next, send: (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)) };
}

describe('the gateway through injectWS', () => {
  it('accepts a run, having written its row and sent its message, which carries the run', async () => {
    const s = await socket();
    s.send({ action: 'run', requestId: 'r1', language: 'javascript', code: "console.log('😀')", stdin: 'in' });
    const accepted = await s.next(1);
    expect(accepted, JSON.stringify(accepted)).toMatchObject({ type: 'accepted', requestId: 'r1' });
    const sqs = new SQSClient({ region: 'us-east-1', credentials, endpoint: process.env.AWS_ENDPOINT_URL_SQS });
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: store.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const message = (out.Messages ?? []).map((m) => decodeQueueMessage(m.Body)).find((m) => m?.executionId === accepted.executionId);
    expect(message?.run).toMatchObject({ code: "console.log('😀')", stdin: 'in', language: 'javascript' });
    sqs.destroy();
    s.ws.terminate();
  });

  it('answers every bad frame once, with the protocol code, and keeps the socket open', async () => {
    const s = await socket();
    const frames = ['not json', '[]', '{}', '{"action":"fly"}', '{"action":"run","requestId":"r2","language":"python","code":""}', JSON.stringify({ action: 'run', requestId: 'r3', language: 'javascript', code: 'x'.repeat(70_000) })];
    for (const f of frames) s.send(f);
    s.send({ action: 'ping', requestId: 'p' });
    await s.next(frames.length + 1);
    const codes = s.received.slice(0, frames.length).map((m) => (m.error as { code: string }).code);
    expect(codes.sort()).toEqual(['bad_frame', 'bad_frame', 'invalid_request', 'invalid_request', 'too_large', 'unknown_action'].sort());
    expect(s.received.at(-1)).toEqual({ type: 'pong', requestId: 'p' });
    s.ws.terminate();
  });

  it('refuses a resume with a wrong token and a cancel from a socket that does not own the run', async () => {
    const owner = await socket();
    owner.send({ action: 'run', requestId: 'r4', language: 'javascript', code: '1' });
    const accepted = await owner.next(1);
    const other = await socket();
    other.send({ action: 'resume', executionId: accepted.executionId, token: 'wrong', requestId: 'x1' });
    other.send({ action: 'cancel', executionId: accepted.executionId, requestId: 'x2' });
    await other.next(2);
    expect(other.received.map((m) => (m.error as { code: string }).code)).toEqual(['not_found', 'not_found']);
    owner.ws.terminate();
    other.ws.terminate();
  });

  it('lets the owner cancel a queued run: the answer is ack and the run is final', async () => {
    const s = await socket();
    s.send({ action: 'run', requestId: 'r5', language: 'javascript', code: '1' });
    const accepted = await s.next(1);
    s.send({ action: 'cancel', executionId: accepted.executionId, requestId: 'c1' });
    // The cancelled result is posted (through the management API) before the ack answers.
    await s.next(3);
    expect(s.received[1]).toMatchObject({ type: 'result', status: 'cancelled', executionId: accepted.executionId });
    expect(s.received[2]).toMatchObject({ type: 'ack', action: 'cancel', executionId: accepted.executionId });
    // A resume replays it.
    s.send({ action: 'resume', executionId: accepted.executionId, token: accepted.token, requestId: 'x3' });
    await s.next(5);
    expect(s.received.slice(3).map((m) => m.type).sort()).toEqual(['ack', 'result']);
    s.ws.terminate();
  });
});
