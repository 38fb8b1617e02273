/**
 * The lease a worker holds on a running execution, kept alive by its own small loop:
 * renew the row's lease (noting the last seq stored) and the message's visibility every
 * heartbeat, never two renewals at once; on a refused renewal the lease is lost and the
 * run must stop; `stop` ends the loop and waits for a renewal in flight.
 */
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import type { Timing } from '@playground/shared/resources';
import type { ExecutionStore } from '@playground/shared/executions';

export interface LeaseKeeperOptions {
  executions: ExecutionStore;
  sqs: SQSClient;
  queueUrl: string;
  receiptHandle: string | undefined;
  executionId: string;
  owner: string;
  timing: Timing;
  /** The last seq stored so far, recorded on the row with each renewal. */
  storedSeq: () => number;
  /** The lease now runs until `at + timing.leaseMs` (`at` is taken before the write). */
  onRenewed: (at: number) => void;
  /** Another worker holds the run now, or it ended elsewhere. */
  onLost: () => void;
  log: Logger;
}

/**
 * Calls `step` every `ms` after the previous call settled, until stopped: never
 * overlapping itself. `ms` may be a function of the time since the start.
 */
export function repeat(step: () => Promise<void>, ms: number | ((elapsedMs: number) => number)): () => Promise<void> {
  const start = Date.now();
  const interval = typeof ms === 'number' ? () => ms : () => ms(Date.now() - start);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = step().finally(schedule);
    }, interval());
  };
  schedule();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running.catch(() => undefined);
  };
}

export class LeaseKeeper {
  readonly #o: LeaseKeeperOptions;
  #stop: (() => Promise<void>) | undefined;
  #lost = false;

  constructor(options: LeaseKeeperOptions) {
    this.#o = options;
  }

  start(): void {
    this.#stop ??= repeat(() => this.#renew(), this.#o.timing.heartbeatMs);
  }

  /** Ends the loop; resolves once no renewal is in flight. Safe to call twice. */
  async stop(): Promise<void> {
    await this.#stop?.();
  }

  async #renew(): Promise<void> {
    if (this.#lost) return;
    const { executions, sqs, queueUrl, receiptHandle, executionId, owner, timing, log } = this.#o;
    const at = Date.now();
    try {
      if (!(await executions.renewLease(executionId, owner, at, timing.leaseMs, this.#o.storedSeq()))) {
        this.#lost = true;
        this.#o.onLost();
        return;
      }
      this.#o.onRenewed(at);
    } catch (err) {
      // A failed renewal is not a lost lease: the next heartbeat tries again, and the
      // publisher stops writing on its own if the lease runs out meanwhile.
      log.warn({ err, executionId }, 'could not renew the lease');
      return;
    }
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: timing.visibilityTimeoutSeconds }))
      .catch((err: unknown) => log.warn({ err, executionId }, 'could not extend the message visibility'));
  }
}
