/** The worker's batched deletes, against the SQS emulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { startEmulators, type Emulators } from '@playground/local';
import { DELETE_GAP_MS, MessageDeleter } from '../worker/src/deletes.ts';

let emulators: Emulators;
let sqs: SQSClient;
let queue = 0;

beforeAll(async () => {
  emulators = await startEmulators({});
  sqs = new SQSClient({ region: 'us-east-1', endpoint: emulators.sqsEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  sqs?.destroy();
  await emulators?.close();
});

/** A queue of the test's own holding `n` messages, all received (in flight). */
async function received(n: number): Promise<{ queueUrl: string; messages: Message[] }> {
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `deletes-${++queue}`, Attributes: { VisibilityTimeout: '60' } }));
  for (let i = 0; i < n; i += 10) {
    const ids = Array.from({ length: Math.min(10, n - i) }, (_, k) => String(i + k));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: ids.map((Id) => ({ Id, MessageBody: `m${Id}` })) }));
  }
  const messages: Message[] = [];
  while (messages.length < n) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    messages.push(...(out.Messages ?? []));
  }
  return { queueUrl: queueUrl!, messages };
}

async function left(queueUrl: string): Promise<number> {
  const { Attributes: a } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(a?.ApproximateNumberOfMessages) + Number(a?.ApproximateNumberOfMessagesNotVisible);
}

describe('batched deletes', () => {
  it('deletes asked for in one turn leave as one call per ten, and every message is gone', async () => {
    const { queueUrl, messages } = await received(25);
    const deleter = new MessageDeleter(sqs, queueUrl);
    await Promise.all(messages.map((m) => deleter.delete(m.ReceiptHandle!)));
    expect(deleter.calls).toBe(3);
    expect(await left(queueUrl)).toBe(0);
  });

  it('a lone delete after a quiet spell does not wait for company', async () => {
    const { queueUrl, messages } = await received(2);
    const deleter = new MessageDeleter(sqs, queueUrl);
    await deleter.delete(messages[0]!.ReceiptHandle!);
    expect(deleter.calls).toBe(1);
    expect(await left(queueUrl)).toBe(1);
  });

  it('deletes that follow one another within the gap share the next call, and a drain sends what waits', async () => {
    const { queueUrl, messages } = await received(6);
    const deleter = new MessageDeleter(sqs, queueUrl);
    // One after another, as runs end: the first leaves at once, the rest wait for the gap.
    await deleter.delete(messages[0]!.ReceiptHandle!);
    const rest = messages.slice(1, 5).map((m) => deleter.delete(m.ReceiptHandle!));
    await Promise.all(rest);
    expect(deleter.calls).toBe(2);
    expect(await left(queueUrl)).toBe(1);
    // A drain does not wait out the gap.
    const last = deleter.delete(messages[5]!.ReceiptHandle!);
    const started = performance.now();
    await deleter.drain();
    await last;
    expect(deleter.calls).toBe(3);
    expect(performance.now() - started).toBeLessThan(DELETE_GAP_MS);
    expect(await left(queueUrl)).toBe(0);
  });

  it('a delete SQS refuses fails with its reason, and the rest of its batch still succeeds', async () => {
    // fauxqs deletes whatever it is given, as SQS does for stale handles; an entry SQS
    // refuses (a malformed handle: ReceiptHandleIsInvalid) comes from a server that answers
    // the batch call the way SQS's JSON protocol does.
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const entries = (JSON.parse(body) as { Entries: Array<{ Id: string; ReceiptHandle: string }> }).Entries;
        const bad = entries.filter((e) => e.ReceiptHandle === 'malformed');
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({
          Successful: entries.filter((e) => !bad.includes(e)).map((e) => ({ Id: e.Id })),
          Failed: bad.map((e) => ({ Id: e.Id, SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'The input receipt handle is invalid.' })),
        }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new SQSClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const deleter = new MessageDeleter(client, `${endpoint}/000000000000/q`);
      const outcomes = await Promise.allSettled([deleter.delete('good-1'), deleter.delete('malformed'), deleter.delete('good-2')]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((outcomes[1] as PromiseRejectedResult).reason)).toContain('SQS did not delete the message: ReceiptHandleIsInvalid: The input receipt handle is invalid.');
      expect(deleter.calls).toBe(1);
    } finally {
      client.destroy();
      server.close();
    }
  });

  it('a queue that cannot be reached fails every delete of the batch', async () => {
    const deleter = new MessageDeleter(new SQSClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }), 'http://127.0.0.1:9/000000000000/none');
    const outcomes = await Promise.allSettled([deleter.delete('a'), deleter.delete('b')]);
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
  });
});
