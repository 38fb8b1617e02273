/**
 * The worker: long-polls the executions queue and runs up to `concurrency` messages at
 * once. Lifecycle as verbs: `run()` starts the loop, `close()` stops receiving, lets
 * running executions finish, then releases everything (idempotent). The loop never
 * throws: it logs and backs off.
 */
import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand, type SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient, sqsClient } from '@playground/shared/aws-clients';
import type { Logger } from 'pino';
import { DEFAULT_TIMING, QUEUES, type Timing } from '@playground/shared/resources';
import type { StoreConfig } from '@playground/shared/config';
import { ExecutionStore } from '@playground/shared/executions';
import { ConnectionStore } from '@playground/shared/connections';
import { Delivery } from '@playground/shared/delivery';
import type { Sandbox } from '@playground/sandbox/types';
import { processMessage, type AttemptDeps, type MessageOutcome } from './attempt.ts';
import { Recovery } from './recovery.ts';
import { MessageDeleter } from './deletes.ts';
import { Fairness, admissionOrder, type FairnessOptions } from './fairness.ts';
import { Settlements } from './settlements.ts';
import { TenantStore } from '@playground/shared/tenants';
import { decodeQueueMessage } from '@playground/shared/queue';

export interface WorkerOptions {
  store: StoreConfig;
  managementEndpoint: string;
  sandbox: Sandbox;
  concurrency: number;
  log: Logger;
  /** Long-poll wait of a receive (SQS allows up to 20 s). */
  receiveWaitSeconds?: number;
  timing?: Partial<Timing>;
  /** Recovery sweep period and the age at which an unfinished execution counts as stranded. */
  sweepEveryMs?: number;
  strandedAfterMs?: number;
  onMessage?: (outcome: MessageOutcome) => void;
  /** The share rule's settings (fairness.ts, FAIR_* variables). */
  fairness?: Partial<FairnessOptions>;
}

export class Worker {
  readonly id = `w-${randomUUID().slice(0, 8)}`;
  readonly #o: WorkerOptions;
  readonly #sqs: SQSClient;
  readonly #dynamo: DynamoDBDocumentClient;
  readonly #delivery: Delivery;
  readonly #deps: AttemptDeps;
  readonly #recovery: Recovery;
  readonly #deletes: MessageDeleter;
  readonly #settlements: Settlements;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #receiving = new AbortController();
  #slotFreed: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: WorkerOptions) {
    if (!(Number.isInteger(options.concurrency) && options.concurrency >= 1)) {
      throw new Error(`Worker concurrency must be a whole number >= 1, got ${options.concurrency} (WORKER_CONCURRENCY).`);
    }
    this.#o = options;
    const region = options.store.region;
    this.#sqs = sqsClient(region);
    this.#dynamo = dynamoDocumentClient(region);
    this.#delivery = new Delivery(options.managementEndpoint, region);
    const deletes = new MessageDeleter(this.#sqs, options.store.queueUrl);
    this.#deletes = deletes;
    this.#settlements = new Settlements(new TenantStore(this.#dynamo, options.store.tenantsTable), options.log);
    this.#deps = {
      sqs: this.#sqs,
      queueUrl: options.store.queueUrl,
      deletes,
      fairness: new Fairness({
        sqs: this.#sqs, queueUrl: options.store.queueUrl, deletes, settlements: this.#settlements, log: options.log,
        concurrency: options.concurrency,
        ...(options.fairness ? { options: options.fairness } : {}),
      }),
      executions: new ExecutionStore(this.#dynamo, options.store.executionsTable, options.store.outputsTable),
      connections: new ConnectionStore(this.#dynamo, options.store.connectionsTable),
      delivery: this.#delivery,
      sandbox: options.sandbox,
      owner: this.id,
      log: options.log,
      timing: { ...DEFAULT_TIMING, ...options.timing },
    };
    this.#recovery = new Recovery({
      sqs: this.#sqs,
      queueUrl: options.store.queueUrl,
      deadLetterQueueUrl: options.store.deadLetterQueueUrl,
      executions: this.#deps.executions,
      delivery: this.#delivery,
      log: options.log,
      ...(options.receiveWaitSeconds !== undefined ? { receiveWaitSeconds: options.receiveWaitSeconds } : {}),
      ...(options.sweepEveryMs !== undefined ? { sweepEveryMs: options.sweepEveryMs } : {}),
      ...(options.strandedAfterMs !== undefined ? { strandedAfterMs: options.strandedAfterMs } : {}),
    });
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  run(): Promise<void> {
    this.#loop ??= this.#receiveLoop();
    void this.#recovery.run();
    return this.#loop;
  }

  async #receiveLoop(): Promise<void> {
    const { log } = this.#o;
    let backoffMs = 100;
    while (!this.#closing) {
      const free = this.#o.concurrency - this.#inFlight.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.#slotFreed = resolve));
        continue;
      }
      let messages: Message[] = [];
      try {
        const out = await this.#sqs.send(new ReceiveMessageCommand({
          QueueUrl: this.#o.store.queueUrl,
          MaxNumberOfMessages: this.#deps.fairness?.receiveCount(free) ?? Math.min(10, free),
          WaitTimeSeconds: this.#o.receiveWaitSeconds ?? QUEUES.executions.receiveWaitSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }), { abortSignal: this.#receiving.signal });
        messages = out.Messages ?? [];
        backoffMs = 100;
      } catch (err) {
        if (this.#closing) break;
        log.error({ err }, `receive failed; retrying in ${backoffMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 5000);
        continue;
      }
      // Decoded once here: the share rule looks at the whole receive before it admits any.
      const received = messages.map((message) => ({ message, body: decodeQueueMessage(message.Body) }));
      this.#deps.fairness?.noteReceived(received.map((r) => r.body?.run?.tenant));
      for (const { message, body } of admissionOrder(received)) this.#start(message, body);
    }
  }

  #start(message: Message, body: ReturnType<typeof decodeQueueMessage>): void {
    const task = processMessage(this.#deps, message, body)
      .then((outcome) => this.#o.onMessage?.(outcome))
      .catch((err: unknown) => {
        // The message stays in the queue and comes back after its visibility timeout.
        this.#o.log.error({ err, messageId: message.MessageId }, 'execution failed; it will be retried');
      })
      .finally(() => {
        this.#inFlight.delete(task);
        this.#slotFreed?.();
        this.#slotFreed = undefined;
      });
    this.#inFlight.add(task);
  }

  /** Stops receiving, waits for running executions (each bounded by its limits), releases clients. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      // A receive in flight is abandoned; SQS makes its messages visible again.
      this.#receiving.abort();
      this.#slotFreed?.();
      try {
        await this.#recovery.close();
        await this.#loop;
        await Promise.allSettled([...this.#inFlight]);
      } finally {
        // Handled messages' deletes and runs' settlements still waiting for company.
        await Promise.allSettled([this.#deletes.drain(), this.#settlements.drain()]);
        try {
          await this.#o.sandbox.close();
        } finally {
          this.#delivery.destroy();
          this.#sqs.destroy();
          this.#dynamo.destroy();
        }
      }
    })();
    return this.#closing;
  }
}
