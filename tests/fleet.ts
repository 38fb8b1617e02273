/** Helpers for tests that break things on purpose: processes, the queue and the store. */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ExecutionStore } from '@playground/shared/executions';
import type { LocalStack } from '@playground/local';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export { childrenOf } from '../local/src/processes.ts';

export function clientsFor(stack: LocalStack) {
  const sqs = new SQSClient({ region: 'us-east-1', credentials, endpoint: stack.emulators.sqsEndpoint });
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials, endpoint: stack.emulators.dynamodbEndpoint }), { marshallOptions: { removeUndefinedValues: true } });
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
