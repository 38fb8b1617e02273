/**
 * Fair order: before a worker claims a run, it asks whether the run's tenant (its source
 * address, shared/src/tenants.ts) may take one of this worker's free slots; if not, the
 * run is put back for a few seconds so other tenants' runs go first.
 *
 * The share rule (`mayStart`), on what this worker knows, with no store call:
 * - a tenant holds at most `maxRunningPerTenant` of this worker's slots (by default half
 *   of them). Every worker applies it, so a tenant holds at most that share of the
 *   fleet, however large the fleet;
 * - the last `reservedSlots` free slots of each worker go only to a *quiet* tenant: one
 *   that holds none of this worker's slots and is not crowding the queue, i.e. not seen
 *   with two runs in one receive and not put back for its share lately. However many
 *   noisy tenants there are, every worker keeps a slot for a quiet one, so a hello world
 *   waits for a free slot, not for a 30 s run to end.
 * Noisy tenants still progress: they share the other slots, and their deferred runs come
 * back (in their turn, not first).
 *
 * Why local: an earlier version counted each tenant's slots fleet-wide in the tenants
 * table, three requests per run (read, add, remove) to keep an absolute cap, and a
 * flood's first run from each new address still looked quiet there. Per-worker shares
 * bound the fleet-wide share the same way at no cost, and a flood shows itself in what a
 * worker receives (several runs of one tenant at once) before it holds any slot.
 *
 * Deferring re-sends the message with a delay and deletes the received copy, instead of
 * changing its visibility: every receive counts towards the queue's maxReceiveCount, so
 * a run deferred three times by visibility would go to the dead-letter queue and end as
 * `crashed`. A copy starts at zero receives; if the delete fails after the send, the
 * duplicate is harmless (claims are conditional). A delayed message is not "visible",
 * so deferred runs do not count in the backlog the fleet scales on.
 *
 * SQS fair queues (a MessageGroupId per tenant, set by the gateway and kept here) do the
 * same in AWS for what waits in the queue; this rule also holds where they do not exist
 * (the local emulator accepts the group id but keeps plain order) and bounds slots,
 * which fair queues do not.
 */
import { ChangeMessageVisibilityCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { Requeuer } from './requeues.ts';
import type { MessageDeleter } from './deletes.ts';
import type { Settlements } from './settlements.ts';
import type { Charge } from '@playground/shared/tenants';

export interface FairnessOptions {
  /** The most slots of one worker one tenant holds at once; absent: half the worker's slots (at least 1). */
  maxRunningPerTenant?: number;
  /** Free slots of each worker kept for quiet tenants. */
  reservedSlots: number;
  /** How long a deferred run stays out of sight; a run over its share waits longer than one that only found no free slot. */
  deferSeconds: number;
  /**
   * False: runs start in queue order (FAIR_SHARE=off), for a stack whose one address
   * stands for many users; charges are still settled.
   */
  enabled: boolean;
}

export const DEFAULT_FAIRNESS: FairnessOptions = {
  reservedSlots: 1,
  deferSeconds: 5,
  enabled: true,
};

/** A tenant's default share of a worker's slots: half, at least one. */
export const defaultMaxRunning = (concurrency: number): number => Math.max(1, Math.floor(concurrency / 2));

/** Deferred for want of a free slot here (not for its share): back soon. */
const NO_SLOT_DEFER_SECONDS = 1;

/** How long a tenant seen crowding the queue stays out of the reserved slots. */
export const CROWDED_MS = 30_000;

export interface ShareInput {
  /** Runs of the tenant holding a slot of this worker now (not this one). */
  tenantRunning: number;
  /** Slots of this worker that stay free if this run takes one. */
  freeAfter: number;
  /** The tenant was seen crowding the queue lately (several runs at once, or over its share). */
  crowded: boolean;
  maxRunningPerTenant: number;
  reservedSlots: number;
}

/** The share rule: may this run take a slot of this worker now? */
export function mayStart({ tenantRunning, freeAfter, crowded, maxRunningPerTenant, reservedSlots }: ShareInput): boolean {
  if (freeAfter < 0) return false;
  if (tenantRunning >= maxRunningPerTenant) return false;
  if (freeAfter < reservedSlots && (tenantRunning > 0 || crowded)) return false;
  return true;
}

/**
 * How long a run over its share is put back for: `deferSeconds`, plus a second for every
 * 4 of the tenant's runs this worker put back in the last 10 s (up to a minute in all),
 * plus up to 2 s of jitter. A tenant with a handful queued comes back every few seconds;
 * a flood of 160 is spread over a minute, so its copies do not all return at once and
 * stand in front of a quiet tenant's run again. Its runs still start: each comes back
 * within a minute, and its slots free as its runs end.
 */
export function deferDelaySeconds(deferSeconds: number, recentDeferrals: number, random: number): number {
  const spread = Math.floor(Math.max(0, recentDeferrals - 1) / 4);
  return Math.min(900, Math.min(60, deferSeconds + spread) + Math.floor(random * 3));
}

/** A message received before: a retry (its sandbox died) or a takeover. */
const isRetry = (message: Message): boolean => Number(message.Attributes?.ApproximateReceiveCount ?? 1) > 1;

/**
 * A receive in the order its runs are to be admitted: retries first, the rest in receive
 * order. The worker asks for every admission of a receive in one turn, so slots go in
 * the order asked. A retry that finds none goes back by visibility, which counts a
 * receive: put behind fresh runs twice, it reaches the dead-letter queue and ends
 * `crashed` without running again. A fresh run goes back as a copy, at no such cost.
 */
export function admissionOrder<T extends { message: Message }>(received: readonly T[]): T[] {
  return [...received.filter((r) => isRetry(r.message)), ...received.filter((r) => !isRetry(r.message))];
}

export interface FairnessDeps {
  sqs: SQSClient;
  queueUrl: string;
  deletes: MessageDeleter;
  /** Where finished runs' charges are settled (batched). */
  settlements: Settlements;
  log: Logger;
  /** Slots of this worker in all. */
  concurrency: number;
  options?: Partial<FairnessOptions>;
  now?: () => number;
}

/** What a run that ends settles with its tenant. */
export interface Held {
  tenant: string;
  connectionId: string;
  charge?: Charge;
}

/** A slot of this worker promised to a run: hold it while running, release it in any case. */
export interface Ticket {
  hold<T>(held: Held, run: (sandboxDone: (outcome: { status: string }) => void) => Promise<T>): Promise<T>;
  release(): void;
}

export class Fairness {
  readonly options: Required<FairnessOptions>;
  readonly #d: FairnessDeps;
  readonly #now: () => number;
  /** Slots of this worker promised to runs, per tenant and in all. */
  readonly #local = new Map<string, number>();
  #promised = 0;
  /** Tenants seen crowding the queue, until when. */
  readonly #crowded = new Map<string, number>();
  /** When this worker deferred each tenant's runs lately: a flood is spread out more. */
  readonly #deferrals = new Map<string, number[]>();
  readonly #requeues: Requeuer;

  constructor(deps: FairnessDeps) {
    this.#d = deps;
    const options = { ...DEFAULT_FAIRNESS, ...deps.options };
    this.options = { ...options, maxRunningPerTenant: options.maxRunningPerTenant ?? defaultMaxRunning(deps.concurrency) };
    this.#now = deps.now ?? Date.now;
    this.#requeues = new Requeuer(deps.sqs, deps.queueUrl);
    const { maxRunningPerTenant, reservedSlots, deferSeconds } = this.options;
    if (!(Number.isInteger(maxRunningPerTenant) && maxRunningPerTenant >= 1)) throw new Error(`maxRunningPerTenant must be a whole number >= 1, got ${maxRunningPerTenant} (FAIR_MAX_RUNNING_PER_TENANT).`);
    if (!(Number.isInteger(reservedSlots) && reservedSlots >= 0)) throw new Error(`reservedSlots must be a whole number >= 0, got ${reservedSlots} (FAIR_RESERVED_SLOTS).`);
    if (!(Number.isInteger(deferSeconds) && deferSeconds >= 0 && deferSeconds <= 900)) throw new Error(`deferSeconds must be a whole number from 0 to 900, got ${deferSeconds} (FAIR_DEFER_SECONDS).`);
  }

  /**
   * What one receive brought, before any of it is admitted: a tenant with two or more
   * runs in it is crowding the queue (a person runs one thing at a time).
   */
  noteReceived(tenants: ReadonlyArray<string | undefined>): void {
    // With the rule off nothing asks, and nothing would forget what was noted.
    if (!this.options.enabled) return;
    const seen = new Map<string, number>();
    for (const t of tenants) if (t) seen.set(t, (seen.get(t) ?? 0) + 1);
    const now = this.#now();
    for (const [t, n] of seen) if (n > 1) this.#markCrowded(t, now);
  }

  /**
   * Notes a tenant as crowding from now, and past 1000 remembered drops those whose
   * time is up: a tenant is otherwise forgotten only when asked about again.
   */
  #markCrowded(tenant: string, now: number): void {
    this.#crowded.set(tenant, now + CROWDED_MS);
    if (this.#crowded.size > 1000) for (const [t, until] of this.#crowded) if (until <= now) this.#crowded.delete(t);
  }

  /** Tenants remembered as crowding, expired or not (for tests and metrics). */
  get remembered(): number {
    return this.#crowded.size;
  }

  /** Whether the tenant was seen crowding the queue lately. */
  crowded(tenant: string): boolean {
    const until = this.#crowded.get(tenant);
    if (until === undefined) return false;
    if (until > this.#now()) return true;
    this.#crowded.delete(tenant);
    return false;
  }

  /**
   * A ticket for a slot, or 'deferred' when the run was put back for later; the caller
   * then leaves the message.
   */
  async admit(message: Message, tenant: string | undefined): Promise<Ticket | 'deferred'> {
    const key = tenant ?? '';
    if (!this.options.enabled) return this.#promise(key);
    // A message received before is a retry (its sandbox died) or a takeover: it was
    // admitted once, and a copy would start its receive count again, so a run that
    // crashes every time would never reach the dead-letter queue. It runs.
    // Without a free slot here, it goes back by visibility, which counts as a receive.
    if (isRetry(message)) {
      if (this.#d.concurrency - this.#promised > 0) return this.#promise(key);
      await this.#d.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.#d.queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: NO_SLOT_DEFER_SECONDS }))
        .catch((err: unknown) => this.#d.log.warn({ err, tenant }, 'could not put back a retried run; it returns after its visibility timeout'));
      return 'deferred';
    }
    const now = this.#now();
    const freeAfter = this.#d.concurrency - this.#promised - 1;
    // A message from before tenants were added counts on nothing but free slots.
    const tenantRunning = tenant ? this.#local.get(key) ?? 0 : 0;
    const crowded = tenant ? this.crowded(tenant) : false;
    if (mayStart({ tenantRunning, freeAfter, crowded, ...this.options })) return this.#promise(key);
    const shareSpent = freeAfter >= 0;
    if (shareSpent && tenant) this.#markCrowded(tenant, now);
    const delay = shareSpent ? deferDelaySeconds(this.options.deferSeconds, this.#deferred(key, now), Math.random()) : NO_SLOT_DEFER_SECONDS;
    try {
      await this.#requeues.send(message.Body!, delay, tenant);
    } catch (err) {
      // Not put back: run it rather than lose it or wait for its visibility to lapse.
      this.#d.log.warn({ err, tenant }, 'could not defer a run; starting it');
      return this.#promise(key);
    }
    // Not awaited: the copy is safe in the queue, and the worker can look at its next
    // message a round trip sooner. A delete that fails leaves a duplicate, which the
    // claim turns away.
    this.#d.deletes.delete(message.ReceiptHandle!).catch((err: unknown) => this.#d.log.warn({ err, tenant }, 'could not delete a deferred message; its copy will be turned away'));
    return 'deferred';
  }

  /**
   * How many messages to receive with `free` slots (by the worker's count): while only
   * reserved slots are free, a worker is looking for a quiet tenant's run among a flood
   * of deferred ones, so it takes a full batch and puts back what it cannot start.
   */
  receiveCount(free: number): number {
    const looking = this.options.enabled && this.options.reservedSlots > 0 && free <= this.options.reservedSlots;
    return looking ? 10 : Math.min(10, free);
  }

  /** Counts a deferral of this tenant's; how many it had in the last 10 s, this one included. */
  #deferred(tenant: string, now: number): number {
    const recent = (this.#deferrals.get(tenant) ?? []).filter((at) => at > now - 10_000);
    recent.push(now);
    this.#deferrals.set(tenant, recent);
    if (this.#deferrals.size > 1000) for (const [t, times] of this.#deferrals) if (times.every((at) => at <= now - 10_000)) this.#deferrals.delete(t);
    return recent.length;
  }

  #promise(tenant: string): Ticket {
    this.#local.set(tenant, (this.#local.get(tenant) ?? 0) + 1);
    this.#promised++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#promised--;
      const n = (this.#local.get(tenant) ?? 1) - 1;
      if (n <= 0) this.#local.delete(tenant);
      else this.#local.set(tenant, n);
    };
    return { hold: (held, run) => this.#hold(held, run, release), release };
  }

  /**
   * Holds the slot from the claim until the sandbox is done (not until the result is
   * delivered: the tenant's next run must not find this one still counted), and settles
   * the gateway's charge with the wall time the slot was held. A run whose sandbox died
   * is not settled: it is retried, and settled where it ends.
   */
  async #hold<T>(held: Held, run: (sandboxDone: (outcome: { status: string }) => void) => Promise<T>, release: () => void): Promise<T> {
    const claimedAt = this.#now();
    let ended = false;
    const end = (status: string | undefined) => {
      if (ended) return;
      ended = true;
      release();
      if (status !== undefined && status !== 'crashed' && held.charge) {
        this.#d.settlements.add(held.tenant, held.charge, held.connectionId, this.#now() - claimedAt);
      }
    };
    try {
      return await run((outcome) => end(outcome.status));
    } finally {
      end(undefined);
    }
  }
}
