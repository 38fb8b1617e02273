/**
 * Nothing ends silently in a queue. Two background loops that any worker may run (they
 * are idempotent through conditional writes):
 * - the dead-letter consumer finishes executions whose message failed `maxReceiveCount`
 *   times as `crashed` and tells their client;
 * - the recovery sweep enqueues again executions that are queued with no message (the
 *   enqueue failed after the row was written, or a local queue was restarted) or
 *   running under an expired lease.
 * Loops never throw: they log and keep going.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import type { ResultMessage } from '@playground/shared';
import { QUEUES } from '@playground/shared/resources';
import { isFinal, type ExecutionStore } from '@playground/shared/executions';
import { decodeQueueMessage, encodeQueueMessage, queueMessageFor } from '@playground/shared/queue';
import type { Delivery } from '@playground/shared/delivery';

export interface RecoveryOptions {
  sqs: SQSClient;
  queueUrl: string;
  deadLetterQueueUrl: string;
  executions: ExecutionStore;
  delivery: Delivery;
  log: Logger;
  /** How often the sweep looks, and how old a stranded execution must be. */
  sweepEveryMs?: number;
  strandedAfterMs?: number;
  receiveWaitSeconds?: number;
}

export class Recovery {
  readonly #o: RecoveryOptions;
  readonly #abort = new AbortController();
  #loops: Promise<unknown> | undefined;

  constructor(options: RecoveryOptions) {
    this.#o = options;
  }

  run(): Promise<unknown> {
    this.#loops ??= Promise.all([this.#deadLetterLoop(), this.#sweepLoop()]);
    return this.#loops;
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.#loops;
  }

  get #closed(): boolean {
    return this.#abort.signal.aborted;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#abort.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }

  async #deadLetterLoop(): Promise<void> {
    const { sqs, deadLetterQueueUrl, log } = this.#o;
    while (!this.#closed) {
      try {
        const out = await sqs.send(new ReceiveMessageCommand({
          QueueUrl: deadLetterQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: this.#o.receiveWaitSeconds ?? QUEUES.deadLetters.receiveWaitSeconds,
        }), { abortSignal: this.#abort.signal });
        for (const message of out.Messages ?? []) {
          // One message at a time, each on its own: one that fails stays for a later
          // receive (its visibility runs out) and the others are still handled.
          const body = decodeQueueMessage(message.Body);
          try {
            if (body) await this.endAsCrashed(body.executionId);
            await sqs.send(new DeleteMessageCommand({ QueueUrl: deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle }));
          } catch (err) {
            if (this.#closed) return;
            log.error({ err, executionId: body?.executionId, messageId: message.MessageId }, 'could not report a dead letter; it will be received again');
          }
        }
      } catch (err) {
        if (this.#closed) return;
        log.error({ err }, 'dead-letter receive failed');
        await this.#sleep(1000);
      }
    }
  }

  /** Ends an execution that could not be completed, once, and tells its client. */
  async endAsCrashed(executionId: string): Promise<boolean> {
    const { executions, delivery, log } = this.#o;
    const item = await executions.get(executionId);
    if (!item || isFinal(item.status)) return false;
    const now = Date.now();
    const result: ResultMessage = {
      type: 'result', executionId, seq: (await executions.lastStoredSeq(item)) + 1, status: 'crashed',
      error: {
        name: 'ExecutionCrashed',
        message: `The program stopped its sandbox on each of ${QUEUES.executions.maxReceiveCount} tries, so it was not run again.`,
      },
      stats: { wallMs: 0, cpuMs: 0, queuedMs: Math.max(0, (item.startedAt ?? now) - item.createdAt) },
      truncated: false,
    };
    const final = await executions.finish(executionId, result, [], now, { anyUnfinished: true });
    if (!final) return false;
    log.warn({ executionId, attempts: item.attempt }, 'execution crashed on every try');
    await delivery.post(final.connectionId, result).catch((err: unknown) => log.warn({ err, executionId }, 'could not tell the client'));
    return true;
  }

  async #sweepLoop(): Promise<void> {
    const every = this.#o.sweepEveryMs ?? 30_000;
    // Workers start together; jitter keeps their sweeps apart.
    await this.#sleep(Math.random() * every);
    while (!this.#closed) {
      await this.sweep().catch((err: unknown) => this.#o.log.error({ err }, 'recovery sweep failed'));
      await this.#sleep(every);
    }
  }

  async sweep(): Promise<number> {
    const { executions, sqs, queueUrl, log } = this.#o;
    const now = Date.now();
    const stranded = await executions.stranded(now, now - (this.#o.strandedAfterMs ?? 60_000));
    let requeued = 0;
    for (const item of stranded) {
      // Each on its own: one failed send does not leave the others stranded.
      try {
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: encodeQueueMessage(queueMessageFor(item)) }));
        await executions.markRequeued(item.executionId, now);
        requeued += 1;
        log.warn({ executionId: item.executionId, status: item.status }, 'enqueued a stranded execution again');
      } catch (err) {
        log.error({ err, executionId: item.executionId }, 'could not enqueue a stranded execution again; the next sweep tries again');
      }
    }
    return requeued;
  }
}
