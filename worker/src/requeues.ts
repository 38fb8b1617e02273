/**
 * Sends deferred messages back to the queue together: every send asked for in one turn
 * of the event loop leaves as SendMessageBatch calls of up to ten entries (and under the
 * batch's size limit). A flood is deferred a batch of ten at a time; sending each alone
 * made the first pass over a flood several times slower on a busy machine.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

interface PendingSend {
  body: string;
  delaySeconds: number;
  groupId?: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

const MAX_BATCH = 10;
/** SQS takes up to 1 MiB per batch in all; leave room for the envelope. */
const MAX_BATCH_BYTES = 900 * 1024;

export class Requeuer {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  #pending: PendingSend[] = [];
  #scheduled = false;

  constructor(sqs: SQSClient, queueUrl: string) {
    this.#sqs = sqs;
    this.#queueUrl = queueUrl;
  }

  /** Resolves once SQS has the copy; rejects, naming SQS's reason, if it has not. */
  send(body: string, delaySeconds: number, groupId?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ body, delaySeconds, ...(groupId ? { groupId } : {}), resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const all = this.#pending;
    this.#pending = [];
    let batch: PendingSend[] = [];
    let bytes = 0;
    for (const entry of all) {
      const size = Buffer.byteLength(entry.body);
      if (batch.length === MAX_BATCH || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
        void this.#send(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(entry);
      bytes += size;
    }
    if (batch.length > 0) void this.#send(batch);
  }

  async #send(batch: PendingSend[]): Promise<void> {
    try {
      const out = await this.#sqs.send(new SendMessageBatchCommand({
        QueueUrl: this.#queueUrl,
        Entries: batch.map((e, i) => ({ Id: String(i), MessageBody: e.body, DelaySeconds: e.delaySeconds, ...(e.groupId ? { MessageGroupId: e.groupId } : {}) })),
      }));
      const failed = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
      batch.forEach((entry, i) => {
        const failure = failed.get(String(i));
        if (failure) entry.reject(new Error(`SQS did not take the message back: ${failure.Code ?? 'error'}: ${failure.Message ?? 'no reason given'}`));
        else entry.resolve();
      });
    } catch (err) {
      for (const entry of batch) entry.reject(err as Error);
    }
  }
}
