/**
 * Budgets of sandbox time (the wall time a run holds a slot) per address (tenant, see
 * shared/src/tenants.ts) and per socket, refilled continuously: the run limits in
 * rate-limits.ts count frames, these count what the frames cost.
 *
 * The gateway cannot see a run end (in the cloud, results go from the workers straight
 * to API Gateway, and there are several gateways), so it charges each run at accept
 * what it may use at most (its timeout) and the worker settles the difference when the
 * run ends: an atomic ADD on the tenant's item, one write for the runs that ended on a
 * worker within a quarter of a second (worker/src/settlements.ts). The
 * gateway reads the settlements only when its own estimate says a tenant is over
 * budget, at most once per `settleReadEveryMs` (100 ms) per tenant: a person typing never reaches
 * that, so it costs them no call; a flood of long runs is refused from memory.
 *
 * Arithmetic: each key holds a debt (ms). It drains at budget/60 s per ms; a run is
 * accepted while the debt is under the budget, and adds its charge (so a 30 s run
 * fits under a 10 s budget, once). Refused, the retry is due when the debt drains back
 * under the budget. Like the run limits, each gateway process keeps its own: a fleet
 * of N gateways lets an address spend up to N budgets (docs/operations.md).
 */
import { randomUUID } from 'node:crypto';
import { LIMITS, errors } from '@playground/shared';
import { tenantOf, type Charge, type Settlements } from '@playground/shared/tenants';
import type { Caller } from './handlers.ts';

export interface BudgetOptions {
  /** Sandbox ms one address may use per minute (refilled continuously). */
  sandboxMsPerMinutePerAddress: number;
  /** Sandbox ms one socket may use per minute. */
  sandboxMsPerMinutePerSocket: number;
  /** The least time between two reads of one tenant's settlements. */
  settleReadEveryMs: number;
}

export const DEFAULT_BUDGETS: BudgetOptions = {
  // A slot held all the time per address; a person typing uses a few ms a run.
  sandboxMsPerMinutePerAddress: 60_000,
  sandboxMsPerMinutePerSocket: 60_000,
  // A refused flood costs at most 10 reads a second per address (about a cent an hour);
  // a burst of quick runs from one script sees their settlements within 100 ms.
  settleReadEveryMs: 100,
};

/** A debt that drains continuously: `budgetMs` per minute. */
export class Debt {
  ms = 0;
  updatedAt: number;
  readonly budgetMs: number;
  constructor(budgetMs: number, now: number) {
    this.budgetMs = budgetMs;
    this.updatedAt = now;
  }
  level(now: number): number {
    return Math.max(0, this.ms - ((now - this.updatedAt) * this.budgetMs) / 60_000);
  }
  #settle(now: number): void {
    this.ms = this.level(now);
    this.updatedAt = Math.max(this.updatedAt, now);
  }
  /** 0 when a run may start now, or the ms until it may. */
  waitMs(now: number): number {
    const over = this.level(now) - this.budgetMs;
    return over < 0 ? 0 : Math.floor((over * 60_000) / this.budgetMs) + 1;
  }
  add(ms: number, now: number): void {
    this.#settle(now);
    this.ms = Math.max(0, this.ms + ms);
  }
  empty(now: number): boolean {
    return this.level(now) === 0;
  }
}

/** The provisional charge of a run: the most it can hold a slot for. */
export const provisionalChargeMs = (timeoutMs: number | undefined): number => timeoutMs ?? LIMITS.timeoutMs.default;

export type ReadSettlements = (tenant: string, gateway: string, connectionId: string) => Promise<Settlements>;

export class Budgets {
  readonly options: BudgetOptions;
  /** This process's name in the charges it makes, so it reads back only its own settlements. */
  readonly gateway = `gw-${randomUUID().slice(0, 8)}`;
  readonly #now: () => number;
  readonly #read: ReadSettlements;
  readonly #byAddress = new Map<string, Debt>();
  readonly #bySocket = new Map<string, Debt>();
  /** The cumulative settlements last applied, per tenant and per socket. */
  readonly #seen = new Map<string, number>();
  readonly #readAt = new Map<string, number>();

  constructor(options: Partial<BudgetOptions>, read: ReadSettlements, now: () => number = Date.now) {
    this.options = { ...DEFAULT_BUDGETS, ...options };
    for (const [key, value] of Object.entries(this.options)) {
      if (!(typeof value === 'number' && value > 0)) throw new Error(`Budget ${key} must be a positive number, got ${value}.`);
    }
    this.#read = read;
    this.#now = now;
  }

  #debt(map: Map<string, Debt>, key: string, budgetMs: number): Debt {
    let debt = map.get(key);
    if (!debt) {
      debt = new Debt(budgetMs, this.#now());
      map.set(key, debt);
    }
    return debt;
  }

  /**
   * Charges a run about to be accepted, or throws `rate_limited` naming the budget that
   * ran out. When memory says over, the settlements of runs that ended are read first
   * (at most once per settleReadEveryMs per tenant) and may show there is room after all.
   */
  async charge(caller: Caller, timeoutMs: number | undefined): Promise<{ tenant: string; charge: Charge }> {
    const tenant = tenantOf(caller.sourceIp);
    const o = this.options;
    const address = this.#debt(this.#byAddress, tenant, o.sandboxMsPerMinutePerAddress);
    const socket = this.#debt(this.#bySocket, caller.connectionId, o.sandboxMsPerMinutePerSocket);
    let now = this.#now();
    if (address.waitMs(now) > 0 || socket.waitMs(now) > 0) {
      const last = this.#readAt.get(tenant);
      if (last === undefined || now - last >= o.settleReadEveryMs) {
        this.#readAt.set(tenant, now);
        const settled = await this.#read(tenant, this.gateway, caller.connectionId);
        now = this.#now();
        this.#apply(`a:${tenant}`, settled.gateway, address, now);
        this.#apply(`s:${caller.connectionId}`, settled.socket, socket, now);
      }
    }
    const socketWait = socket.waitMs(now);
    if (socketWait > 0) throw errors.rateLimited(`this socket used its ${seconds(o.sandboxMsPerMinutePerSocket)} of sandbox time per minute`, socketWait);
    const addressWait = address.waitMs(now);
    if (addressWait > 0) throw errors.rateLimited(`your address used its ${seconds(o.sandboxMsPerMinutePerAddress)} of sandbox time per minute`, addressWait);
    const ms = provisionalChargeMs(timeoutMs);
    address.add(ms, now);
    socket.add(ms, now);
    return { tenant, charge: { gateway: this.gateway, ms } };
  }

  /** Gives a charge back: the run was withdrawn or cancelled before it started. */
  refund(caller: Caller, ms: number): void {
    const now = this.#now();
    this.#byAddress.get(tenantOf(caller.sourceIp))?.add(-ms, now);
    this.#bySocket.get(caller.connectionId)?.add(-ms, now);
  }

  /** Applies what settled since the last read (a cumulative figure) to a debt. */
  #apply(key: string, cumulative: number, debt: Debt, now: number): void {
    const delta = cumulative - (this.#seen.get(key) ?? 0);
    this.#seen.set(key, cumulative);
    if (delta !== 0) debt.add(delta, now);
  }

  /** A socket closed: its budget goes; addresses with nothing owed go too (bounded memory). */
  forget(caller: Caller): void {
    this.#bySocket.delete(caller.connectionId);
    this.#seen.delete(`s:${caller.connectionId}`);
    const now = this.#now();
    for (const [tenant, debt] of this.#byAddress) {
      if (debt.empty(now)) {
        // A tenant's cumulative settlement is kept while it is owed anything: deltas need it.
        this.#byAddress.delete(tenant);
        this.#readAt.delete(tenant);
      }
    }
  }
}

const seconds = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);
