/** Helpers for tests that break things on purpose: processes, the queue and the store. */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ExecutionStore } from '@playground/shared/executions';
import type { LocalStack } from '@playground/local';
import { createServer } from 'node:net';
import { ENTRY, startProcess, stopProcess } from '../local/src/processes.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export { childrenOf } from '../local/src/processes.ts';

/**
 * A document client on the stack's tables, for tests that read or write rows behind the
 * services' back; marshalled as the services' own (undefined attributes dropped). The
 * caller destroys it.
 */
export function storeClient(stack: Pick<LocalStack, 'emulators' | 'store'>): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: stack.store.region, credentials, endpoint: stack.emulators.dynamodbEndpoint }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}

/** An SQS client on the stack's queue emulator, for tests and benchmarks that send or receive behind the services' back. The caller destroys it. */
export function queueClient(stack: Pick<LocalStack, 'emulators' | 'store'>): SQSClient {
  return new SQSClient({ region: stack.store.region, credentials, endpoint: stack.emulators.sqsEndpoint });
}

export function clientsFor(stack: LocalStack) {
  const sqs = queueClient(stack);
  const db = storeClient(stack);
  return {
    sqs,
    executions: new ExecutionStore(db, stack.store.executionsTable, stack.store.outputsTable),
    /** Delivers a message for `executionId` again, as SQS's at-least-once delivery may. */
    duplicate: (executionId: string) =>
      sqs.send(new SendMessageCommand({ QueueUrl: stack.store.queueUrl, MessageBody: JSON.stringify({ executionId, enqueuedAt: Date.now() }) })),
    destroy() {
      sqs.destroy();
      db.destroy();
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port free on loopback right now. */
export const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

/** A second gateway on the stack's tables and queue, with some of its environment changed. */
export async function extraGateway(stack: LocalStack, env: Record<string, string>) {
  const port = await freePort();
  const { child } = await startProcess('gateway', ENTRY.gateway, {
    ...stack.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'fatal', MANAGEMENT_ENDPOINT: `http://127.0.0.1:${port}`, ...env,
  }, undefined);
  return { url: `ws://127.0.0.1:${port}/ws`, stop: () => stopProcess(child) };
}
