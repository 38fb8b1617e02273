/**
 * Turns one run's output into the protocol's numbered messages and gets them to the
 * client: chunks are batched for a few ms (a tight print loop costs few messages),
 * split under API Gateway's frame size, numbered by `seq`, recorded in the executions
 * table, then posted in order through the management API. Recording first means every
 * seq a client saw is in the store: a retry numbers on from there and `resume` replays
 * everything, with no gap and no number used twice. The result is written once
 * (conditionally) before it is posted.
 */
import type { Logger } from 'pino';
import { LIMITS, type ExecutionEvent, type OutputMessage, type ResultMessage } from '@playground/shared';
import type { ExecutionItem, ExecutionStore } from '@playground/shared/executions';
import type { Delivery } from '@playground/shared/delivery';
import type { SandboxOutput } from './sandbox/types.ts';

export interface PublisherOptions {
  /** The claimed item; its lastSeq is already this attempt's `started`. */
  item: ExecutionItem;
  owner: string;
  executions: ExecutionStore;
  delivery: Delivery;
  log: Logger;
  leaseMs: number;
  /** Called once per connection that API Gateway says is gone. */
  onGone?: (connectionId: string) => void;
  /** Called when the store says the run should stop: cancelled, or the lease was lost. */
  onStop: (reason: 'cancelled' | 'lease_lost') => void;
  batchMs?: number;
}

/** Splits text so that each piece, JSON-encoded, stays under `maxBytes`, never inside a surrogate pair. */
export function splitForFrames(data: string, maxBytes: number): string[] {
  const pieces: string[] = [];
  let rest = data;
  while (rest.length > 0) {
    let take = Math.min(rest.length, maxBytes);
    while (take > 1 && Buffer.byteLength(JSON.stringify(rest.slice(0, take))) > maxBytes) {
      take = Math.max(1, Math.floor(take * 0.75));
    }
    const code = rest.charCodeAt(take - 1);
    if (take < rest.length && code >= 0xd800 && code <= 0xdbff) take -= 1;
    pieces.push(rest.slice(0, take));
    rest = rest.slice(take);
  }
  return pieces;
}

type Body<T> = T extends ExecutionEvent ? Omit<T, 'seq' | 'executionId'> : never;

export class Publisher {
  readonly #o: PublisherOptions;
  #seq: number;
  #connectionId: string;
  #gone = false;
  #storedBytes: number;
  #pending: SandboxOutput[] = [];
  #pendingBytes = 0;
  /** `started`, sent at once and stored with the next batch. */
  #unrecorded: ExecutionEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  /**
   * Two chains: store writes in order, and posts in order, each batch posted only once
   * its write succeeded. A slow post never holds up the next write, and the final write
   * does not wait for `started` to be posted. Posts stay in seq order, so `result`
   * arrives last.
   */
  #writes: Promise<boolean> = Promise.resolve(true);
  #sends: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: PublisherOptions) {
    this.#o = options;
    this.#seq = options.item.lastSeq;
    this.#connectionId = options.item.connectionId;
    this.#storedBytes = options.item.storedBytes;
  }

  get connectionId(): string {
    return this.#connectionId;
  }

  #number<T extends ExecutionEvent>(body: Body<T>): T {
    return { ...body, executionId: this.#o.item.executionId, seq: ++this.#seq } as unknown as T;
  }

  /** Sends `started` right away: the claim already reserved its seq in the store. */
  started(queuedMs: number): void {
    const event: ExecutionEvent = {
      type: 'started', executionId: this.#o.item.executionId, seq: this.#o.item.lastSeq, queuedMs, attempt: this.#o.item.attempt,
    };
    this.#unrecorded.push(event);
    this.#send(Promise.resolve(true), [event]);
  }

  output(chunk: SandboxOutput): void {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.data.length;
    if (this.#pendingBytes >= LIMITS.maxOutputChunkBytes) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), this.#o.batchMs ?? LIMITS.outputBatchMs);
  }

  /** Records what is pending (with anything not yet recorded), then sends it. */
  flush(): void {
    const events = this.#drain();
    if (events.length === 0) return;
    const written = this.#write(async () => {
      const recorded = [...this.#unrecorded, ...events];
      this.#unrecorded = [];
      const item = await this.#o.executions.record(this.#o.item.executionId, this.#o.owner, recorded, Date.now(), this.#o.leaseMs, this.#storedBytes);
      if (!item) {
        this.#stop('lease_lost');
        return false;
      }
      this.observe(item);
      return true;
    });
    this.#send(written, events);
  }

  /**
   * Applies what the store says about this execution: a `resume` moved it to another
   * connection (everything recorded before that is replayed by the resumer, everything
   * after goes there), or its owner asked to cancel.
   */
  observe(item: ExecutionItem): void {
    this.#storedBytes = item.storedBytes;
    if (item.connectionId !== this.#connectionId) {
      this.#o.log.info({ from: this.#connectionId, to: item.connectionId }, 'delivery rebound');
      this.#connectionId = item.connectionId;
      this.#gone = false;
    }
    if (item.cancelRequested) this.#stop('cancelled');
  }

  /**
   * Ends the run: writes what is pending and the final status once, then sends them.
   * Returns false when the store refused the final write (the lease was lost to
   * another worker), in which case nothing more is sent.
   */
  async finish(result: Body<ResultMessage>): Promise<boolean> {
    const outputs = this.#drain();
    const final = this.#number<ResultMessage>(result);
    const written = this.#write(async () => {
      const recorded = [...this.#unrecorded, ...outputs, final];
      this.#unrecorded = [];
      const item = await this.#o.executions.finish(this.#o.item.executionId, final, recorded, this.#storedBytes, Date.now(), { owner: this.#o.owner });
      if (!item) return false;
      this.observe({ ...item, cancelRequested: false });
      return true;
    });
    // In order, result last: clients order by seq, but many treat `result` as the end.
    this.#send(written, [...outputs, final]);
    await this.#sends;
    return written;
  }

  /** Sends and records what is pending, and waits for everything queued so far. */
  async settle(): Promise<void> {
    this.flush();
    await Promise.all([this.#writes, this.#sends]);
  }

  #write(step: () => Promise<boolean>): Promise<boolean> {
    this.#writes = this.#writes.then(step).catch((err: unknown) => {
      // Not written means not sent: a client never holds a seq the store does not.
      this.#o.log.error({ err }, 'recording output failed');
      return false;
    });
    return this.#writes;
  }

  #send(written: Promise<boolean>, events: ExecutionEvent[]): void {
    this.#sends = Promise.all([this.#sends, written])
      .then(([, ok]) => (ok ? this.#post(events) : undefined))
      .catch((err: unknown) => this.#o.log.error({ err }, 'publishing failed'));
  }

  #drain(): OutputMessage[] {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const events: OutputMessage[] = [];
    // Adjacent chunks of one stream merge into one message, then split under the frame limit.
    let stream: SandboxOutput['stream'] | undefined;
    let text = '';
    const emit = () => {
      if (stream && text) for (const data of splitForFrames(text, LIMITS.maxOutputChunkBytes)) events.push(this.#number<OutputMessage>({ type: 'output', stream: stream!, data }));
    };
    for (const chunk of this.#pending) {
      if (chunk.stream !== stream) {
        emit();
        stream = chunk.stream;
        text = '';
      }
      text += chunk.data;
    }
    emit();
    this.#pending = [];
    this.#pendingBytes = 0;
    return events;
  }

  async #post(events: ExecutionEvent[]): Promise<void> {
    for (const event of events) {
      if (this.#gone) return;
      try {
        if ((await this.#o.delivery.post(this.#connectionId, event)) === 'gone') {
          // The client left; the run goes on and is stored for `resume`. Posting stops
          // until a resume moves delivery elsewhere, so a gone socket costs one call.
          this.#gone = true;
          this.#o.onGone?.(this.#connectionId);
        }
      } catch (err) {
        // Delivery is best effort: the store holds every message for resume.
        this.#o.log.warn({ err, seq: event.seq }, 'post failed');
      }
    }
  }

  #stop(reason: 'cancelled' | 'lease_lost'): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#o.onStop(reason);
  }
}
