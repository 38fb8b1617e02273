/**
 * Settles finished runs' charges with their tenants in batches: what each run used
 * beyond (mostly short of) what the gateway charged at accept is added up per tenant in
 * memory and written as one update per tenant, at most once every `SETTLE_GAP_MS`. A
 * settlement after a quiet spell leaves at once; runs that end one after another share
 * the next write instead of paying one each. The gateway reads settlements only when its
 * own estimate says a tenant is over budget (gateway/src/budgets.ts), so a short delay
 * costs nobody a run.
 */
import type { Logger } from 'pino';
import type { Adjustments, Charge, TenantStore } from '@playground/shared/tenants';

/** The least time between two rounds of settlement writes. */
export const SETTLE_GAP_MS = 250;

export class Settlements {
  readonly #tenants: Pick<TenantStore, 'settle'>;
  readonly #log: Logger;
  readonly #gapMs: number;
  readonly #now: () => number;
  #pending = new Map<string, Adjustments>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastAt = -Infinity;
  readonly #writing = new Set<Promise<void>>();
  /** Rounds of writes made so far (for tests and metrics). */
  rounds = 0;

  constructor(tenants: Pick<TenantStore, 'settle'>, log: Logger, options: { gapMs?: number; now?: () => number } = {}) {
    this.#tenants = tenants;
    this.#log = log;
    this.#gapMs = options.gapMs ?? SETTLE_GAP_MS;
    this.#now = options.now ?? Date.now;
  }

  /** A run of `tenant` charged `charge` held its slot for `usedMs`. */
  add(tenant: string, charge: Charge, connectionId: string, usedMs: number): void {
    const delta = usedMs - charge.ms;
    let adj = this.#pending.get(tenant);
    if (!adj) {
      adj = { gateways: new Map(), sockets: new Map() };
      this.#pending.set(tenant, adj);
    }
    adj.gateways.set(charge.gateway, (adj.gateways.get(charge.gateway) ?? 0) + delta);
    adj.sockets.set(connectionId, (adj.sockets.get(connectionId) ?? 0) + delta);
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastAt + this.#gapMs - performance.now());
    this.#timer = setTimeout(() => void this.#flush(), wait);
    // A waiting settlement does not keep a process alive; a drain writes it.
    this.#timer.unref();
  }

  /** Writes what waits and waits for every write so far (a worker's drain). */
  async drain(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      void this.#flush();
    }
    await Promise.allSettled([...this.#writing]);
  }

  #flush(): Promise<void> {
    this.#timer = undefined;
    this.#lastAt = performance.now();
    const batch = this.#pending;
    this.#pending = new Map();
    if (batch.size === 0) return Promise.resolve();
    this.rounds++;
    const now = this.#now();
    const round = Promise.all([...batch].map(([tenant, adj]) => this.#tenants.settle(tenant, adj, now).catch((err: unknown) => {
      // The tenant is charged too much until its debt drains (a minute at most): a
      // person is refused early at worst, never let through past a budget.
      this.#log.warn({ err, tenant }, 'could not settle finished runs with their tenant; they stay charged their timeouts');
    }))).then(() => undefined);
    this.#writing.add(round);
    void round.finally(() => this.#writing.delete(round));
    return round;
  }
}
