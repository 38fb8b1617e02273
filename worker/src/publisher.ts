/**
 * Turns one run's output into the protocol's numbered messages and gets them to the
 * client: chunks are batched (a tight print loop costs few messages), split under API
 * Gateway's frame size, numbered by `seq`, appended to the store as a piece, then posted
 * in order through the management API. Storing first means every seq a client saw is in
 * the store: a retry numbers on from there and `resume` replays everything, with no gap
 * and no number used twice. The result is written once (conditionally) before it is
 * posted.
 *
 * Store writes follow the output, not the run's duration: one write at a time, what
 * arrives meanwhile waits for the next; the first writes of a run go after `batchMs`
 * (an interactive program's lines arrive at once), later ones at most every
 * `steadyBatchMs` (a program printing every few ms for 30 s makes hundreds of small
 * writes, not thousands).
 */
import type { Logger } from 'pino';
import { LIMITS, unbatch, type ExecutionEvent, type OutputMessage, type ResultMessage, type ServerMessage } from '@playground/shared';
import { isRefusedWrite, type ExecutionItem, type ExecutionSignals, type ExecutionStore } from '@playground/shared/executions';
import { packFrames, type Delivery } from '@playground/shared/delivery';
import type { SandboxOutput } from '@playground/sandbox/types';

export type StopReason = 'cancelled' | 'lease_lost' | 'output_refused';

export interface PublisherOptions {
  /** The claimed item; `startSeq` is this attempt's `started`. */
  item: ExecutionItem;
  /** The seq of this attempt's `started`: the claim's, or past the pieces a lost attempt stored. */
  startSeq: number;
  owner: string;
  executions: ExecutionStore;
  delivery: Delivery;
  log: Logger;
  leaseMs: number;
  /** Called when API Gateway says a connection is gone (cleanup; may repeat). */
  onGone?: (connectionId: string) => void;
  /** Called once when the run must stop: cancelled, the lease was lost, or the store refused its output. */
  onStop: (reason: StopReason) => void;
  batchMs?: number;
  steadyBatchMs?: number;
  /** How long `started` waits for company before it is sent alone. */
  startedHoldMs?: number;
  /** How long the first output waits for more (and for the run's end) before it is stored and sent. */
  firstBatchMs?: number;
}

export const RESULT_NOT_STORED = {
  name: 'ResultNotStored',
  message: 'The store refused to keep this result; the output printed before it was delivered.',
} as const;

/** Waits before posting a message again after the SDK's own retries failed. */
const POST_RETRY_DELAYS_MS = [250, 1000];

/**
 * `started` waits this long for the run's first messages: long enough for a hello world
 * to start its isolate, print and end (a few ms of sandbox time, more on a busy host),
 * short enough that a silent program's client soon knows it runs.
 */
const STARTED_HOLD_MS = 50;

/** The first output batch of a run: a hello world's output and end arrive together. */
const FIRST_BATCH_MS = 12;

/** Writes of a run that go after `batchMs`; later ones wait `steadyBatchMs`. */
const FAST_WRITES = 32;
const STEADY_BATCH_MS = 50;

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
  /** The last seq in the store (the started seq counts: the claim reserved it). */
  #storedSeq: number;
  #connectionId: string;
  #gone = false;
  #pending: SandboxOutput[] = [];
  #pendingBytes = 0;
  /** `started`, stored with the first write. */
  #unstored: ExecutionEvent[] = [];
  /**
   * `started` while it waits to share a frame with what follows it: a short run's
   * started, output and result reach the client as one frame, one post. Sent alone
   * after `startedHoldMs` if nothing came to go with it.
   */
  #heldStart: ExecutionEvent | undefined;
  #startTimer: NodeJS.Timeout | undefined;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #writes = 0;
  /** The lease runs until here (by this worker's clock); nothing is stored after it. */
  #leaseUntil: number;
  /**
   * Messages stored and posted since the last watch confirmed the connection. A
   * `resume` replays what was stored before its rebind; these may have been stored
   * after it and posted to the old connection, so they go to the new one when the
   * rebind is seen. Numbered in the order they were stored.
   */
  #unconfirmed: Array<{ n: number; event: ExecutionEvent }> = [];
  #storedCount = 0;
  /** Posts, in seq order, each after its store write. */
  #sends: Promise<void> = Promise.resolve();
  #stopped = false;
  #refused = false;
  /** Set by `finish`: no more writes start on their own. */
  #ending = false;

  constructor(options: PublisherOptions) {
    this.#o = options;
    this.#seq = options.startSeq;
    this.#storedSeq = options.startSeq;
    this.#connectionId = options.item.connectionId;
    this.#leaseUntil = (options.item.leaseExpiresAt ?? Date.now() + options.leaseMs);
  }

  get connectionId(): string {
    return this.#connectionId;
  }

  /** The last seq this attempt stored (or reserved, for `started`). */
  get storedSeq(): number {
    return this.#storedSeq;
  }

  /** The lease was renewed at `at`: storing may go on until `at + leaseMs`. */
  renewed(at: number): void {
    this.#leaseUntil = Math.max(this.#leaseUntil, at + this.#o.leaseMs);
  }

  #number<T extends ExecutionEvent>(body: Body<T>): T {
    return { ...body, executionId: this.#o.item.executionId, seq: ++this.#seq } as unknown as T;
  }

  /**
   * Sends `started` with the first messages that follow within `startedHoldMs`, or alone
   * after it: its seq is already reserved in the store, so it needs no write of its own.
   */
  started(queuedMs: number): void {
    const event: ExecutionEvent = {
      type: 'started', executionId: this.#o.item.executionId, seq: this.#o.startSeq, queuedMs, attempt: this.#o.item.attempt,
    };
    this.#unstored.push(event);
    this.#heldStart = event;
    this.#startTimer = setTimeout(() => this.#post([]), this.#o.startedHoldMs ?? STARTED_HOLD_MS);
  }

  output(chunk: SandboxOutput): void {
    if (this.#refused) return;
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.data.length;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#writing || this.#ending || this.#stopped || this.#pending.length === 0) return;
    if (this.#pendingBytes >= LIMITS.maxOutputChunkBytes) {
      this.#flush();
      return;
    }
    const batchMs = this.#o.batchMs ?? LIMITS.outputBatchMs;
    // The first batch waits a little longer: most programs print and end within it, and
    // then started, output and result go out as one frame, after one write.
    const wait = this.#writes === 0 ? Math.max(batchMs, this.#o.firstBatchMs ?? FIRST_BATCH_MS) : this.#writes < FAST_WRITES ? batchMs : (this.#o.steadyBatchMs ?? STEADY_BATCH_MS);
    this.#timer ??= setTimeout(() => this.#flush(), wait);
  }

  /** Stores what is pending as one piece (with `started` if not stored yet), then posts it. */
  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#writing || this.#ending || this.#stopped) return;
    const events = this.#drain();
    if (events.length === 0) return;
    this.#writing = this.#store(events).finally(() => {
      this.#writing = undefined;
      this.#schedule();
    });
  }

  async #store(events: OutputMessage[]): Promise<void> {
    const pieces = [...this.#unstored, ...events];
    // Past a third of the lease before its end, another worker may take over soon:
    // stop rather than store numbers it could also use.
    if (Date.now() > this.#leaseUntil - this.#o.leaseMs / 3) {
      this.#stop('lease_lost');
      return;
    }
    this.#writes += 1;
    let stored: boolean;
    try {
      stored = await this.#o.executions.appendOutput(this.#o.item.executionId, pieces, Date.now());
    } catch (err) {
      if (isRefusedWrite(err)) {
        this.#o.log.warn({ err }, 'the store refused this output; the run ends');
        this.#refuse();
      } else {
        // Not stored means not sent: a client never holds a seq the store does not.
        this.#o.log.error({ err }, 'storing output failed; the run stops');
        this.#stop('lease_lost');
      }
      return;
    }
    if (!stored) {
      this.#stop('lease_lost');
      return;
    }
    this.#storedSeq = pieces[pieces.length - 1]!.seq;
    for (const event of this.#unstored) this.#unconfirmed.push({ n: this.#storedCount++, event });
    this.#unstored = [];
    for (const event of events) this.#unconfirmed.push({ n: this.#storedCount++, event });
    this.#post(events);
  }

  /** The store will not take this output: nothing more is stored; the result takes the next number. */
  #refuse(): void {
    this.#refused = true;
    this.#seq = this.#storedSeq;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#stop('output_refused');
  }

  /** True once the store refused the run's output. */
  get refused(): boolean {
    return this.#refused;
  }

  /**
   * One look at the execution's signals: a `resume` moved delivery to another
   * connection, or the owner asked to cancel (a lost lease shows at the next renewal).
   * What was stored before the look began is confirmed as seen by any resume before it.
   */
  async watch(): Promise<void> {
    const mark = this.#storedCount;
    this.observe((await this.#o.executions.signals(this.#o.item.executionId)) ?? {}, mark);
  }

  observe(signals: ExecutionSignals, mark: number): void {
    if (signals.connectionId !== undefined && signals.connectionId !== this.#connectionId) this.#rebind(signals.connectionId);
    this.#unconfirmed = this.#unconfirmed.filter((u) => u.n >= mark);
    if (signals.cancelRequested) this.#stop('cancelled');
  }

  /** Delivery moves to another connection, starting with what it may have missed. */
  #rebind(connectionId: string): void {
    this.#o.log.info({ from: this.#connectionId, to: connectionId }, 'delivery rebound');
    this.#connectionId = connectionId;
    this.#gone = false;
    this.#post(this.#unconfirmed.map((u) => u.event));
  }

  /**
   * Ends the run: waits for the write in flight, then writes what is pending and the
   * final status once, and sends them. Returns false when the store refused the final
   * write (the lease was lost to another worker), in which case nothing more is sent.
   */
  async finish(result: Body<ResultMessage>): Promise<boolean> {
    this.#ending = true;
    while (this.#writing) await this.#writing;
    let outputs = this.#refused ? [] : this.#drain();
    let final = this.#number<ResultMessage>(result);
    let item = await this.#end(final, outputs);
    if (item === 'refused') {
      // Refused for what it holds, so a retry would be refused again: end the run with
      // what was stored and a result that says so, numbered right after it.
      outputs = [];
      this.#seq = this.#storedSeq;
      final = this.#number<ResultMessage>({ type: 'result', status: 'output_exceeded', error: RESULT_NOT_STORED, stats: result.stats, truncated: true });
      item = await this.#end(final, outputs);
    }
    if (!item || item === 'refused') return false;
    this.#unstored = [];
    // Written after any rebind, so the row names the connection that gets the end.
    if (item.connectionId !== this.#connectionId) this.#rebind(item.connectionId);
    // In order, result last: clients order by seq, but many treat `result` as the end.
    this.#post([...outputs, final]);
    await this.#sends;
    return true;
  }

  /** The final write: the row as written, undefined when the run is not ours (or the write failed), or 'refused'. */
  async #end(final: ResultMessage, outputs: OutputMessage[]): Promise<ExecutionItem | undefined | 'refused'> {
    try {
      return await this.#o.executions.finish(this.#o.item.executionId, final, [...this.#unstored, ...outputs], Date.now(), { owner: this.#o.owner });
    } catch (err) {
      if (isRefusedWrite(err)) {
        this.#o.log.warn({ err }, 'the store refused the result');
        return 'refused';
      }
      this.#o.log.error({ err }, 'writing the result failed');
      return undefined;
    }
  }

  /** Waits for the write in flight and the posts queued so far; what is pending stays unsent. */
  async settle(): Promise<void> {
    this.#ending = true;
    this.#post([]);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#writing) await this.#writing;
    await this.#sends;
  }

  #drain(): OutputMessage[] {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const events: OutputMessage[] = [];
    // Adjacent chunks of one stream merge into one message, then split under the frame limit.
    let stream: SandboxOutput['stream'] | undefined;
    let text = '';
    // A program's text reaches a terminal as UTF-8, where a lone surrogate becomes U+FFFD,
    // as Node writes it: the same here, so every frame and stored piece is well formed.
    const emit = () => {
      if (stream && text) for (const data of splitForFrames(text.toWellFormed(), LIMITS.maxOutputChunkBytes)) events.push(this.#number<OutputMessage>({ type: 'output', stream: stream!, data }));
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

  #post(events: ExecutionEvent[]): void {
    if (this.#heldStart) {
      events = [this.#heldStart, ...events];
      this.#heldStart = undefined;
      clearTimeout(this.#startTimer);
    }
    if (events.length === 0) return;
    this.#sends = this.#sends.then(() => this.#postNow(events)).catch((err: unknown) => this.#o.log.error({ err }, 'publishing failed'));
  }

  /** Posts in as few frames as fit (see packFrames), in order. */
  async #postNow(events: ExecutionEvent[]): Promise<void> {
    for (const frame of packFrames(events)) {
      if (this.#gone) return;
      await this.#postOne(frame);
    }
  }

  async #postOne(frame: ServerMessage): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const to = this.#connectionId;
      try {
        // A rebind may land while this post is on its way: only the connection posted to is gone.
        if ((await this.#o.delivery.post(to, frame)) === 'gone') {
          // The client left; the run goes on and is stored for `resume`. Posting stops
          // until a resume moves delivery elsewhere, so a gone socket costs one call.
          if (to === this.#connectionId) this.#gone = true;
          this.#o.onGone?.(to);
        }
        return;
      } catch (err) {
        // The SDK already retried; a few slower tries more keep a run's end from being
        // lost to a passing fault. Past them delivery is best effort: the store holds
        // every message for resume.
        if (attempt >= POST_RETRY_DELAYS_MS.length) {
          this.#o.log.warn({ err, seq: unbatch(frame).map((e) => (e as ExecutionEvent).seq) }, 'post failed');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, POST_RETRY_DELAYS_MS[attempt]));
      }
    }
  }

  #stop(reason: StopReason): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#o.onStop(reason);
  }
}
