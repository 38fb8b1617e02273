/**
 * SQS batch calls for what one turn of the event loop asks for: every entry added in a
 * turn leaves at its end, in calls of up to `maxEntries` (and `maxBytes`), and each
 * caller learns how its own entry fared. Nothing waits for company: a lone entry leaves
 * at the end of the turn it was added in. Deletes and deferred sends both use it.
 */

/** What a batch call says of the entries it did not take (SQS's `Failed`). */
export interface BatchOutcome {
  Failed?: Array<{ Id?: string; Code?: string; Message?: string }>;
}

interface Pending<T> {
  entry: T;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface TurnBatchOptions<T> {
  /** Sends one batch; entry i goes with Id String(i). */
  send: (entries: T[]) => Promise<BatchOutcome>;
  /** Says what failed, as the start of a refused entry's error. */
  refused: string;
  maxEntries: number;
  maxBytes?: number;
  sizeOf?: (entry: T) => number;
}

export class TurnBatches<T> {
  readonly #o: TurnBatchOptions<T>;
  #pending: Array<Pending<T>> = [];
  #scheduled = false;
  /** Batch calls made so far (for tests and metrics). */
  calls = 0;

  constructor(options: TurnBatchOptions<T>) {
    this.#o = options;
  }

  /** Resolves once SQS took the entry; rejects, naming SQS's reason, if it did not. */
  add(entry: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ entry, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const all = this.#pending;
    this.#pending = [];
    const { maxEntries, maxBytes = Infinity, sizeOf = () => 0 } = this.#o;
    let batch: Array<Pending<T>> = [];
    let bytes = 0;
    for (const pending of all) {
      const size = sizeOf(pending.entry);
      if (batch.length === maxEntries || (batch.length > 0 && bytes + size > maxBytes)) {
        void this.#send(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(pending);
      bytes += size;
    }
    if (batch.length > 0) void this.#send(batch);
  }

  async #send(batch: Array<Pending<T>>): Promise<void> {
    this.calls += 1;
    try {
      const out = await this.#o.send(batch.map((p) => p.entry));
      const failed = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
      batch.forEach((pending, i) => {
        const failure = failed.get(String(i));
        if (failure) pending.reject(new Error(`${this.#o.refused}: ${failure.Code ?? 'error'}: ${failure.Message ?? 'no reason given'}`));
        else pending.resolve();
      });
    } catch (err) {
      for (const pending of batch) pending.reject(err as Error);
    }
  }
}
