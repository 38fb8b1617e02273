/**
 * Deletes handled messages together: every delete asked for in one turn of the event
 * loop leaves as one DeleteMessageBatch of up to ten. Under load several runs end in
 * the same turn, and SQS bills per request.
 */
import { DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { TurnBatches } from './turn-batches.ts';

export class MessageDeleter {
  readonly #batches: TurnBatches<string>;

  constructor(sqs: SQSClient, queueUrl: string) {
    this.#batches = new TurnBatches<string>({
      send: (handles) => sqs.send(new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: handles.map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle })),
      })),
      refused: 'SQS did not delete the message',
      // SQS's most entries per batch call.
      maxEntries: 10,
    });
  }

  /** Batch calls made so far (for tests and metrics). */
  get calls(): number {
    return this.#batches.calls;
  }

  /** Resolves once SQS has deleted the message; rejects, naming SQS's reason, if it did not. */
  delete(receiptHandle: string): Promise<void> {
    return this.#batches.add(receiptHandle);
  }
}
