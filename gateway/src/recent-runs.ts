/**
 * When a socket's cap of unfinished runs needs the store: the gateway counts the runs it
 * accepted for each socket in the last minute, in memory, and only a socket that reached
 * its cap there can have that many unfinished (no run takes longer than its 30 s limit
 * plus its queue wait, which is short while the fleet keeps up). Every other `run` is
 * spared the per-socket Query on the store's index. A backlog longer than the window, or
 * a socket's frames spread over several gateways, lets a socket past the cap: it is a
 * soft cap either way (the index is eventually consistent), and the rate limits bound it.
 */
export const RECENT_WINDOW_MS = 60_000;

export class RecentRuns {
  readonly #bySocket = new Map<string, number[]>();
  readonly #keep: number;

  /** `keep`: the cap; older timestamps beyond it never change the answer. */
  constructor(keep: number) {
    this.#keep = keep;
  }

  /** Notes a run accepted now; returns how many this socket had in the window before it. */
  note(connectionId: string, now: number): number {
    const times = (this.#bySocket.get(connectionId) ?? []).filter((t) => t > now - RECENT_WINDOW_MS);
    const before = times.length;
    times.push(now);
    this.#bySocket.set(connectionId, times.slice(-this.#keep));
    return before;
  }

  forget(connectionId: string): void {
    this.#bySocket.delete(connectionId);
  }

  get size(): number {
    return this.#bySocket.size;
  }
}
