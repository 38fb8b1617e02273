/**
 * Deletes handled messages together: every delete asked for in one turn of the event
 * loop leaves as one DeleteMessageBatch of up to ten. Under load several runs end in
 * the same turn, and SQS bills per request. Nothing waits for company: a lone delete
 * leaves at the end of the turn it was asked in.
 */
import { DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

interface PendingDelete {
  receiptHandle: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** SQS's most entries per batch call. */
const MAX_BATCH = 10;

export class MessageDeleter {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  #pending: PendingDelete[] = [];
  #scheduled = false;
  /** Batch calls made so far (for tests and metrics). */
  calls = 0;

  constructor(sqs: SQSClient, queueUrl: string) {
    this.#sqs = sqs;
    this.#queueUrl = queueUrl;
  }

  /** Resolves once SQS has deleted the message; rejects, naming SQS's reason, if it did not. */
  delete(receiptHandle: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ receiptHandle, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const all = this.#pending;
    this.#pending = [];
    for (let i = 0; i < all.length; i += MAX_BATCH) void this.#send(all.slice(i, i + MAX_BATCH));
  }

  async #send(batch: PendingDelete[]): Promise<void> {
    this.calls += 1;
    try {
      const out = await this.#sqs.send(new DeleteMessageBatchCommand({
        QueueUrl: this.#queueUrl,
        Entries: batch.map((entry, i) => ({ Id: String(i), ReceiptHandle: entry.receiptHandle })),
      }));
      const failed = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
      batch.forEach((entry, i) => {
        const failure = failed.get(String(i));
        if (failure) entry.reject(new Error(`SQS did not delete the message: ${failure.Code ?? 'error'}: ${failure.Message ?? 'no reason given'}`));
        else entry.resolve();
      });
    } catch (err) {
      for (const entry of batch) entry.reject(err as Error);
    }
  }
}
