/**
 * Sends deferred messages back to the queue together: every send asked for in one turn
 * of the event loop leaves as SendMessageBatch calls of up to ten entries (and under the
 * batch's size limit). A flood is deferred a batch of ten at a time; sending each alone
 * made the first pass over a flood several times slower on a busy machine.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { TurnBatches } from './turn-batches.ts';

interface Requeue {
  body: string;
  delaySeconds: number;
  groupId?: string;
}

export class Requeuer {
  readonly #batches: TurnBatches<Requeue>;

  constructor(sqs: SQSClient, queueUrl: string) {
    this.#batches = new TurnBatches<Requeue>({
      send: (entries) => sqs.send(new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: entries.map((e, i) => ({ Id: String(i), MessageBody: e.body, DelaySeconds: e.delaySeconds, ...(e.groupId ? { MessageGroupId: e.groupId } : {}) })),
      })),
      refused: 'SQS did not take the message back',
      maxEntries: 10,
      // SQS takes up to 1 MiB per batch in all; leave room for the envelope.
      maxBytes: 900 * 1024,
      sizeOf: (e) => Buffer.byteLength(e.body),
    });
  }

  /** Resolves once SQS has the copy; rejects, naming SQS's reason, if it has not. */
  send(body: string, delaySeconds: number, groupId?: string): Promise<void> {
    return this.#batches.add({ body, delaySeconds, ...(groupId ? { groupId } : {}) });
  }
}
