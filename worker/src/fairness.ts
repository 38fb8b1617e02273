/**
 * Fair order across the fleet: before a worker claims a run, it asks whether the run's
 * tenant (its source address, shared/src/tenants.ts) may take one of this worker's free
 * slots; if not, the run is put back for a few seconds so other tenants' runs go first.
 *
 * The share rule (`mayStart`), with the tenant's runs counted fleet-wide in its
 * tenants-table item (a slot added at claim, removed at the end):
 * - a tenant holds at most `maxRunningPerTenant` slots of the fleet at once;
 * - the last `reservedSlots` free slots of each worker go only to tenants that hold
 *   none: however many noisy tenants there are, every worker keeps a slot for a quiet
 *   one, so a hello world waits for a free slot, not for a 30 s run to end.
 * Noisy tenants still progress: they share the other slots, and their deferred runs
 * come back (in their turn, not first).
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
import { Requeuer } from './requeues.ts';
import type { Logger } from 'pino';
import { TenantStore, type Charge } from '@playground/shared/tenants';
import type { MessageDeleter } from './deletes.ts';

export interface FairnessOptions {
  /** The most slots one tenant holds across the fleet at once. */
  maxRunningPerTenant: number;
  /** Free slots of each worker kept for tenants that hold none. */
  reservedSlots: number;
  /** How long a deferred run stays out of sight; a run over its share waits longer than one that only found no free slot. */
  deferSeconds: number;
  /**
   * False: runs start in queue order and no count is read or kept (FAIR_SHARE=off), for
   * a stack whose one address stands for many users; charges are still settled.
   */
  enabled: boolean;
}

export const DEFAULT_FAIRNESS: FairnessOptions = {
  maxRunningPerTenant: 4,
  reservedSlots: 1,
  deferSeconds: 5,
  enabled: true,
};

/** Deferred for want of a free slot here (not for its share): back soon. */
const NO_SLOT_DEFER_SECONDS = 1;

export interface ShareInput {
  /** Runs of the tenant holding a slot anywhere now (not this one). */
  tenantRunning: number;
  /** Slots of this worker that stay free if this run takes one. */
  freeAfter: number;
  maxRunningPerTenant: number;
  reservedSlots: number;
}

/** The share rule: may this run take a slot of this worker now? */
export function mayStart({ tenantRunning, freeAfter, maxRunningPerTenant, reservedSlots }: ShareInput): boolean {
  if (freeAfter < 0) return false;
  if (tenantRunning >= maxRunningPerTenant) return false;
  if (tenantRunning > 0 && freeAfter < reservedSlots) return false;
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

export interface FairnessDeps {
  tenants: TenantStore;
  sqs: SQSClient;
  queueUrl: string;
  deletes: MessageDeleter;
  log: Logger;
  /** Slots of this worker in all. */
  slots: () => { concurrency: number };
  options?: Partial<FairnessOptions>;
  now?: () => number;
}

/** What a run that ends tells its tenant's item. */
export interface Held {
  tenant: string;
  executionId: string;
  timeoutMs: number;
  connectionId: string;
  charge?: Charge;
}

/** A slot of this worker promised to a run: hold it while running, release it in any case. */
export interface Ticket {
  /** Present when the slot was a reserved one, already added to the tenant's count. */
  slot?: { slot: string; at: number };
  hold<T>(held: Held, run: (sandboxDone: (outcome: { status: string }) => void) => Promise<T>): Promise<T>;
  release(): void;
}

export class Fairness {
  readonly options: FairnessOptions;
  readonly #d: FairnessDeps;
  readonly #now: () => number;
  /** Tenants found over their share, not read again until then (a flood costs one read per tenant per moment). */
  readonly #over = new Map<string, number>();
  /**
   * Slots of this worker promised to runs, per tenant and in all. Decided and counted
   * in one synchronous step after the read, so a batch of one tenant's messages cannot
   * all pass on the same stale count (the fleet-wide count lags by a write).
   */
  readonly #local = new Map<string, number>();
  #promised = 0;
  /** When this worker deferred each tenant's runs lately: a flood is spread out more. */
  readonly #deferrals = new Map<string, number[]>();
  readonly #requeues: Requeuer;

  constructor(deps: FairnessDeps) {
    this.#d = deps;
    this.options = { ...DEFAULT_FAIRNESS, ...deps.options };
    this.#now = deps.now ?? Date.now;
    this.#requeues = new Requeuer(deps.sqs, deps.queueUrl);
    const { maxRunningPerTenant, reservedSlots, deferSeconds } = this.options;
    if (!(Number.isInteger(maxRunningPerTenant) && maxRunningPerTenant >= 1)) throw new Error(`maxRunningPerTenant must be a whole number >= 1, got ${maxRunningPerTenant}.`);
    if (!(Number.isInteger(reservedSlots) && reservedSlots >= 0)) throw new Error(`reservedSlots must be a whole number >= 0, got ${reservedSlots}.`);
    if (!(Number.isInteger(deferSeconds) && deferSeconds >= 0 && deferSeconds <= 900)) throw new Error(`deferSeconds must be a whole number from 0 to 900, got ${deferSeconds}.`);
  }

  /**
   * A ticket for a slot, or 'deferred' when the run was put back for later (its tenant
   * is over its share); the caller then leaves the message. A failure to read the count
   * lets the run start: fairness must not stop the service.
   */
  async admit(message: Message, tenant: string | undefined, run?: { executionId: string; timeoutMs: number }): Promise<Ticket | 'deferred'> {
    // A message received before is a retry (its sandbox died) or a takeover: it was
    // admitted once, and a copy would start its receive count again, so a run that
    // crashes every time would never reach the dead-letter queue. It runs.
    // Without a free slot here, it goes back by visibility, which counts as a receive.
    if (!this.options.enabled) return this.#promise(tenant ?? '');
    if (Number(message.Attributes?.ApproximateReceiveCount ?? 1) > 1) {
      if (this.#d.slots().concurrency - this.#promised > 0) return this.#promise(tenant ?? '');
      await this.#d.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.#d.queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: NO_SLOT_DEFER_SECONDS }))
        .catch((err: unknown) => this.#d.log.warn({ err, tenant }, 'could not put back a retried run; it returns after its visibility timeout'));
      return 'deferred';
    }
    const now = this.#now();
    const key = tenant ?? '';
    const overUntil = tenant ? this.#over.get(tenant) : undefined;
    let shareSpent = overUntil !== undefined && overUntil > now;
    if (!shareSpent) {
      if (tenant) this.#over.delete(tenant);
      let fleet = 0;
      try {
        // A message from before tenants were added counts on this worker's slots only.
        if (tenant) fleet = await this.#d.tenants.running(tenant, now);
      } catch (err) {
        this.#d.log.warn({ err, tenant }, 'could not count the tenant\'s running slots; counting this worker\'s only');
      }
      // From here to the promise, no await: the decision and the count move together.
      const freeAfter = this.#d.slots().concurrency - this.#promised - 1;
      const tenantRunning = tenant ? Math.max(fleet, this.#local.get(key) ?? 0) : 0;
      if (mayStart({ tenantRunning, freeAfter, ...this.options })) {
        const reserved = tenant !== undefined && run !== undefined && freeAfter < this.options.reservedSlots;
        if (!reserved) return this.#promise(key);
        // A reserved slot goes only to a tenant running nothing, which the count read
        // above may not show yet (another worker admitted it a moment ago): its slot is
        // added only if the tenant has none, atomically, so two workers cannot both
        // hand their reserved slot to a flood's first runs.
        const ticket = this.#promise(key, { slot: TenantStore.slot(run.executionId, now, run.timeoutMs), at: now });
        const idle = await this.#d.tenants.startedIfIdle(tenant, ticket.slot!.slot, now).catch((err: unknown) => {
          this.#d.log.warn({ err, tenant }, 'could not take a reserved slot atomically; taking it');
          return true;
        });
        if (idle) return ticket;
        ticket.release();
      }
      shareSpent = freeAfter >= 0;
      // A short memory: slots free up as runs end, and other workers' counts move.
      if (shareSpent && tenant) this.#over.set(tenant, now + 1000);
    }
    const delay = shareSpent ? deferDelaySeconds(this.options.deferSeconds, this.#deferred(tenant ?? '', now), Math.random()) : NO_SLOT_DEFER_SECONDS;
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
   * How many messages to receive with `free` slots (by the consumer's count): while only
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

  #promise(tenant: string, slot?: { slot: string; at: number }): Ticket {
    this.#local.set(tenant, (this.#local.get(tenant) ?? 0) + 1);
    this.#promised++;
    let released = false;
    return {
      ...(slot ? { slot } : {}),
      hold: (held, run) => this.#hold(held, run, slot),
      release: () => {
        if (released) return;
        released = true;
        this.#promised--;
        const n = (this.#local.get(tenant) ?? 1) - 1;
        if (n <= 0) this.#local.delete(tenant);
        else this.#local.set(tenant, n);
      },
    };
  }

  /**
   * Holds a slot in the tenant's fleet-wide count from the claim until the sandbox is
   * done (not until the result is delivered: the tenant's next run must not find this
   * one still counted), and settles the gateway's charge with the wall time the slot was
   * held. A run whose sandbox died is not settled: it is retried, and settled where it ends.
   */
  async #hold<T>(held: Held, run: (sandboxDone: (outcome: { status: string }) => void) => Promise<T>, taken?: { slot: string; at: number }): Promise<T> {
    const { tenants, log } = this.#d;
    // A reserved slot was added to the count at admission already.
    const claimedAt = taken?.at ?? this.#now();
    const slot = taken?.slot ?? TenantStore.slot(held.executionId, claimedAt, held.timeoutMs);
    const started = taken || !this.options.enabled ? Promise.resolve(!!taken) : tenants.started(held.tenant, slot, claimedAt).then(() => true, (err: unknown) => {
      log.warn({ err, tenant: held.tenant }, 'could not count a running slot');
      return false;
    });
    let ended: Promise<void> | undefined;
    const end = (status: string | undefined) => {
      ended ??= (async () => {
        const endedAt = this.#now();
        const settle = status !== undefined && status !== 'crashed' && held.charge
          ? { charge: held.charge, connectionId: held.connectionId, usedMs: endedAt - claimedAt }
          : undefined;
        if ((await started) || settle) {
          await tenants.ended(held.tenant, slot, endedAt, settle).catch((err: unknown) => log.warn({ err, tenant: held.tenant }, 'could not give back a running slot; it expires on its own'));
        }
      })();
    };
    try {
      return await run((outcome) => end(outcome.status));
    } finally {
      end(undefined);
      await ended;
    }
  }
}
