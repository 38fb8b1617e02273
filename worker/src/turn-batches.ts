/**
 * SQS batch calls for what one turn of the event loop asks for: every entry added in a
 * turn leaves at its end, in calls of up to `maxEntries` (and `maxBytes`), and each
 * caller learns how its own entry fared. Deletes and deferred sends both use it.
 *
 * With `minGapMs`, batches leave at most that often: an entry after a quiet spell still
 * leaves at the end of its turn, but entries that follow within the gap wait for it (or
 * for a full batch) and leave together. Deletes use this: nobody waits for a delete, and
 * runs ending one after another share a call instead of paying one each.
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
  /** The least time between two batch calls (default 0: each turn's entries leave at its end). */
  minGapMs?: number;
}

export class TurnBatches<T> {
  readonly #o: TurnBatchOptions<T>;
  #pending: Array<Pending<T>> = [];
  #scheduled = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastFlushAt = -Infinity;
  readonly #sending = new Set<Promise<void>>();
  /** Batch calls made so far (for tests and metrics). */
  calls = 0;

  constructor(options: TurnBatchOptions<T>) {
    this.#o = options;
  }

  /** Resolves once SQS took the entry; rejects, naming SQS's reason, if it did not. */
  add(entry: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ entry, resolve, reject });
      const full = this.#pending.length >= this.#o.maxEntries;
      if (full && this.#timer) {
        // A full batch does not wait out the gap.
        clearTimeout(this.#timer);
        this.#timer = undefined;
        this.#scheduled = false;
      }
      if (this.#scheduled) return;
      this.#scheduled = true;
      const wait = full ? 0 : this.#lastFlushAt + (this.#o.minGapMs ?? 0) - performance.now();
      if (wait <= 0) setImmediate(() => this.#flush());
      else this.#timer = setTimeout(() => this.#flush(), wait);
    });
  }

  /** Sends what waits now and resolves when every call made so far has answered (for a drain). */
  async drain(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#scheduled) this.#flush();
    await Promise.allSettled([...this.#sending]);
  }

  #flush(): void {
    this.#scheduled = false;
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    this.#lastFlushAt = performance.now();
    const all = this.#pending;
    this.#pending = [];
    const { maxEntries, maxBytes = Infinity, sizeOf = () => 0 } = this.#o;
    let batch: Array<Pending<T>> = [];
    let bytes = 0;
    for (const pending of all) {
      const size = sizeOf(pending.entry);
      if (batch.length === maxEntries || (batch.length > 0 && bytes + size > maxBytes)) {
        this.#track(this.#send(batch));
        batch = [];
        bytes = 0;
      }
      batch.push(pending);
      bytes += size;
    }
    if (batch.length > 0) this.#track(this.#send(batch));
  }

  #track(sending: Promise<void>): void {
    this.#sending.add(sending);
    void sending.finally(() => this.#sending.delete(sending));
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
