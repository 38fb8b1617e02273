/**
 * Deletes handled messages together, as DeleteMessageBatch calls of up to ten, at most
 * one every `DELETE_GAP_MS`: a delete after a quiet spell leaves at once, those that
 * follow within the gap share the next call. SQS bills per request, and runs ending one
 * after another otherwise pay a delete each. Nobody waits for a delete (the run's
 * result is written and posted first); a delete lost with its worker only lets the
 * message come back after its visibility timeout, when the claim turns it away.
 */
import { DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { TurnBatches } from './turn-batches.ts';

/** The least time between two delete calls of one worker. */
export const DELETE_GAP_MS = 200;

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
      minGapMs: DELETE_GAP_MS,
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

  /** Sends the deletes still waiting and waits for every call to answer (a worker's drain). */
  drain(): Promise<void> {
    return this.#batches.drain();
  }
}
