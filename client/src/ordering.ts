import type { ExecutionEvent } from './messages.ts';

/**
 * One execution's events, handed on once each and in `seq` order: duplicates (delivery
 * is at least once) are dropped, early arrivals wait for the gap to fill. A gap that
 * never fills (a replay past the stored output cap) is skipped after `gapMs`, so a
 * `result` is never held back by one for longer than that. After the `result` it is done.
 */
export class SeqOrder {
  /** The last seq handed on: `afterSeq` for a resume. */
  lastSeq = 0;
  done = false;
  readonly #pending = new Map<number, ExecutionEvent>();
  #gapTimer: ReturnType<typeof setTimeout> | undefined;

  readonly #emit: (event: ExecutionEvent) => void;
  readonly #gapMs: number;

  constructor(emit: (event: ExecutionEvent) => void, gapMs: number) {
    this.#emit = emit;
    this.#gapMs = gapMs;
  }

  push(event: ExecutionEvent): void {
    if (this.done || event.seq <= this.lastSeq || this.#pending.has(event.seq)) return;
    this.#pending.set(event.seq, event);
    this.#drain();
    if (this.done) return;
    clearTimeout(this.#gapTimer);
    this.#gapTimer = undefined;
    if (this.#pending.size > 0) this.#gapTimer = setTimeout(() => this.#drain(true), this.#gapMs);
  }

  finish(): void {
    this.done = true;
    clearTimeout(this.#gapTimer);
    this.#pending.clear();
  }

  /** Hands on the events that are next in line; with `skipGaps`, all that wait. */
  #drain(skipGaps = false): void {
    for (;;) {
      let next = this.#pending.get(this.lastSeq + 1);
      if (!next) {
        if (!skipGaps || this.#pending.size === 0) return;
        next = this.#pending.get(Math.min(...this.#pending.keys()))!;
      }
      this.#pending.delete(next.seq);
      this.lastSeq = next.seq;
      if (next.type === 'result') this.finish();
      this.#emit(next);
      if (this.done) return;
    }
  }
}
