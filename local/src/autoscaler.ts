/**
 * The local stand-in for the cloud's Auto Scaling group: every tick it reads the
 * executions queue's backlog through the SQS API (as CloudWatch would), asks the shared
 * scaling function how many workers to run, then starts worker processes or drains
 * idle ones with SIGTERM. Lifecycle as verbs: `run()` starts the loop, `close()` stops
 * it (idempotent). The loop never throws: a failed read or start is logged and the
 * next tick tries again.
 */
import { cpus } from 'node:os';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  checkPolicy,
  decideWorkerCapacity,
  SCALING_PLAN,
  targetBacklogPerWorker,
  type ScalingDecision,
  type ScalingPolicy,
} from '@playground/shared/scaling';

export interface AutoscaleOptions {
  /** Fewest worker processes (default 1, so a first run never waits for a cold start). */
  min?: number;
  /** Most worker processes (default: CPU count, at least 2). */
  max?: number;
  /** Visible messages one worker may hold; default from SCALING_PLAN, as in the cloud. */
  targetBacklogPerWorker?: number;
  scaleOutCooldownMs?: number;
  scaleInCooldownMs?: number;
  /** How often the backlog is read. */
  intervalMs?: number;
}

/** What the autoscaler drives: the local stack's worker processes, or a fake in tests. */
export interface Fleet<W> {
  /** Workers alive now, including draining ones. */
  workers(): Iterable<W>;
  /** Starts one worker; resolves when it takes messages. */
  add(): Promise<W>;
  /** SIGTERM: it stops receiving, finishes what it runs, exits. Resolves at exit. */
  drain(worker: W): Promise<unknown>;
}

/** One structured log event; `msg` says what happened, the rest are fields. */
export type AutoscaleEvent = { level: 'info' | 'warn' | 'error'; msg: string } & Record<string, unknown>;

export interface AutoscalerOptions<W> extends AutoscaleOptions {
  fleet: Fleet<W>;
  /** Executions one worker runs at once (WORKER_CONCURRENCY). */
  concurrencyPerWorker: number;
  queueUrl: string;
  /** The SQS endpoint (the emulator locally); credentials as the services use. */
  sqsEndpoint?: string;
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  log?: (event: AutoscaleEvent) => void;
  /** The clock, for tests. */
  now?: () => number;
}

export interface RecordedDecision extends ScalingDecision {
  atMs: number;
  visibleMessages: number;
  inFlightMessages: number;
  inServiceWorkers: number;
}

export const AUTOSCALE_DEFAULTS = {
  min: 1,
  scaleOutCooldownMs: 5_000,
  scaleInCooldownMs: 30_000,
  intervalMs: 1_000,
} as const;

export class Autoscaler<W> {
  readonly policy: ScalingPolicy;
  /** Every decision that changed the fleet or was held by a cooldown (bounded, newest last). */
  readonly decisions: RecordedDecision[] = [];
  readonly #o: AutoscalerOptions<W>;
  readonly #sqs: SQSClient;
  readonly #draining = new Set<W>();
  readonly #stopping = new AbortController();
  #lastScaleOutAtMs: number | undefined;
  #lastScaleInAtMs: number | undefined;
  #lastKey = '';
  #loop: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: AutoscalerOptions<W>) {
    this.#o = options;
    const concurrencyPerWorker = options.concurrencyPerWorker;
    this.policy = {
      minWorkers: options.min ?? AUTOSCALE_DEFAULTS.min,
      maxWorkers: options.max ?? Math.max(2, cpus().length, options.min ?? AUTOSCALE_DEFAULTS.min),
      concurrencyPerWorker,
      targetBacklogPerWorker: options.targetBacklogPerWorker ?? targetBacklogPerWorker({
        ...SCALING_PLAN,
        concurrencyPerWorker,
      }),
      scaleOutCooldownMs: options.scaleOutCooldownMs ?? AUTOSCALE_DEFAULTS.scaleOutCooldownMs,
      scaleInCooldownMs: options.scaleInCooldownMs ?? AUTOSCALE_DEFAULTS.scaleInCooldownMs,
    };
    // A bad policy is a configuration mistake: say so at start, not on the first tick.
    checkPolicy(this.policy);
    this.#sqs = new SQSClient({
      region: options.region,
      ...(options.sqsEndpoint ? { endpoint: options.sqsEndpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  /** Workers taking messages: alive and not draining (what GroupInServiceInstances counts). */
  get inService(): number {
    let n = 0;
    for (const w of this.#o.fleet.workers()) if (!this.#draining.has(w)) n++;
    return n;
  }

  run(): Promise<void> {
    this.#loop ??= this.#tickLoop();
    return this.#loop;
  }

  async #tickLoop(): Promise<void> {
    const interval = this.#o.intervalMs ?? AUTOSCALE_DEFAULTS.intervalMs;
    this.#log('info', 'autoscaler running', { ...this.policy, intervalMs: interval });
    while (!this.#closing) {
      await this.tick();
      if (this.#closing) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, interval);
        this.#stopping.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  }

  /** One observation, decision and action. Never throws. */
  async tick(): Promise<RecordedDecision | undefined> {
    const now = this.#o.now ?? Date.now;
    let visibleMessages: number;
    let inFlightMessages: number;
    try {
      const out = await this.#sqs.send(new GetQueueAttributesCommand({
        QueueUrl: this.#o.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }), { abortSignal: this.#stopping.signal });
      visibleMessages = Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
      inFlightMessages = Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    } catch (err) {
      if (!this.#closing) this.#log('warn', 'could not read the queue backlog; holding the fleet', { err: String(err) });
      return undefined;
    }
    if (this.#closing) return undefined;

    const inServiceWorkers = this.inService;
    // Runs still finishing on draining workers show as in flight too; counted against the
    // in-service fleet they would ask for the worker just drained (scale-in, then out).
    // Their share is at most `concurrency` each, taken off as an upper bound.
    const ownInFlight = Math.max(0, inFlightMessages - this.#draining.size * this.policy.concurrencyPerWorker);
    let decision: ScalingDecision;
    const atMs = now();
    try {
      decision = decideWorkerCapacity(this.policy, {
        visibleMessages,
        inFlightMessages: ownInFlight,
        inServiceWorkers,
        nowMs: atMs,
        ...(this.#lastScaleOutAtMs !== undefined ? { lastScaleOutAtMs: this.#lastScaleOutAtMs } : {}),
        ...(this.#lastScaleInAtMs !== undefined ? { lastScaleInAtMs: this.#lastScaleInAtMs } : {}),
      });
    } catch (err) {
      this.#log('error', 'scaling decision failed; holding the fleet', { err: String(err) });
      return undefined;
    }
    const recorded: RecordedDecision = { ...decision, atMs, visibleMessages, inFlightMessages, inServiceWorkers };
    // Steady holds are not news; changes are, and so is a change held back by a cooldown
    // (once per from -> to, not on every tick of the cooldown).
    const bounded = Math.min(this.policy.maxWorkers, Math.max(this.policy.minWorkers, decision.wanted));
    const key = `${decision.action}:${inServiceWorkers}->${bounded}`;
    if (decision.action !== 'hold' || (bounded !== inServiceWorkers && key !== this.#lastKey)) {
      this.decisions.push(recorded);
      if (this.decisions.length > 1000) this.decisions.shift();
      this.#log('info', `autoscale ${decision.action}`, {
        action: decision.action, from: inServiceWorkers, to: decision.desired, visible: visibleMessages, inFlight: inFlightMessages, reason: decision.reason,
      });
    }
    this.#lastKey = key;

    if (decision.action === 'scale-out') {
      this.#lastScaleOutAtMs = atMs;
      await this.#scaleOut(decision.desired - inServiceWorkers);
    } else if (decision.action === 'scale-in') {
      this.#lastScaleInAtMs = atMs;
      this.#scaleIn(inServiceWorkers - decision.desired);
    }
    return recorded;
  }

  async #scaleOut(count: number): Promise<void> {
    // Started together: each start is mostly waiting on module loading and sandbox children.
    const started = await Promise.allSettled(Array.from({ length: count }, () => this.#o.fleet.add()));
    const failed = started.filter((s) => s.status === 'rejected');
    if (failed.length > 0) {
      this.#log('error', 'worker start failed; the next tick will try again', { failed: failed.length, err: String((failed[0] as PromiseRejectedResult).reason) });
    }
  }

  #scaleIn(count: number): void {
    // Newest first: the oldest workers have warm sandboxes and are the least likely to be busy
    // with a just-received burst tail. Draining is not awaited: a run may take its full timeout.
    const candidates = [...this.#o.fleet.workers()].filter((w) => !this.#draining.has(w)).reverse().slice(0, count);
    for (const worker of candidates) {
      this.#draining.add(worker);
      this.#o.fleet.drain(worker)
        .catch((err: unknown) => this.#log('warn', 'worker drain failed', { err: String(err) }))
        .finally(() => this.#draining.delete(worker));
    }
  }

  #log(level: AutoscaleEvent['level'], msg: string, fields: Record<string, unknown> = {}): void {
    try {
      this.#o.log?.({ level, msg, ...fields });
    } catch {
      // A broken log sink must not stop scaling.
    }
  }

  /** Stops the loop (workers are left as they are: the stack stops them). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#stopping.abort();
      try {
        await this.#loop;
      } finally {
        this.#sqs.destroy();
      }
    })();
    return this.#closing;
  }
}
