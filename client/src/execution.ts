import type { RunHandle, RunHandlers } from './connection.ts';
import type { ExecutionEvent, ResultMessage } from './messages.ts';

/** Why a run has no result: refused (`rejected`), or no longer followable (`lost`). */
export class RunError extends Error {
  readonly code: string;
  readonly kind: 'rejected' | 'lost';
  readonly retryAfterMs: number | undefined;
  constructor(kind: 'rejected' | 'lost', error: { code: string; message: string; retryAfterMs?: number }) {
    super(`${kind === 'rejected' ? 'run rejected' : 'run lost'} (${error.code}): ${error.message}`);
    this.name = 'RunError';
    this.kind = kind;
    this.code = error.code;
    this.retryAfterMs = error.retryAfterMs;
  }
}

/**
 * One run as its caller sees it: an async iterable of its events in `seq` order (each
 * seq once; every iteration starts from the first event), the output so far, and
 * promises of its id and its result.
 */
export class Execution implements AsyncIterable<ExecutionEvent> {
  /** Every event so far, in `seq` order. */
  readonly events: ExecutionEvent[] = [];
  /** stdout and stderr so far, interleaved as printed. */
  output = '';
  stdout = '';
  stderr = '';
  /** Resolves with the execution id once the service accepted the run. */
  readonly accepted: Promise<string>;
  /** Resolves with the `result`; rejects with a RunError if there will be none. */
  readonly result: Promise<ResultMessage>;
  #handle: RunHandle | undefined;
  #failure: RunError | undefined;
  #finished = false;
  readonly #wakers = new Set<() => void>();

  /** Internal: made by `Playground.run`, which hands `start` its handlers. */
  constructor(start: (handlers: RunHandlers) => RunHandle) {
    let accept!: (id: string) => void;
    let resolve!: (result: ResultMessage) => void;
    let reject!: (error: RunError) => void;
    let refuse!: (error: RunError) => void;
    this.accepted = new Promise((ok, fail) => ((accept = ok), (refuse = fail)));
    this.result = new Promise((ok, fail) => ((resolve = ok), (reject = fail)));
    // Callers may follow only one of the two; neither may surface as unhandled.
    this.accepted.catch(() => {});
    this.result.catch(() => {});
    const fail = (error: RunError) => {
      this.#failure = error;
      this.#finished = true;
      refuse(error);
      reject(error);
      this.#wake();
    };
    this.#handle = start({
      onAccepted: (id) => accept(id),
      onEvent: (event) => {
        this.events.push(event);
        if (event.type === 'output') {
          this.output += event.data;
          if (event.stream === 'stdout') this.stdout += event.data;
          else this.stderr += event.data;
        }
        if (event.type === 'result') {
          this.#finished = true;
          resolve(event);
        }
        this.#wake();
      },
      onRejected: (error) => fail(new RunError('rejected', error)),
      onLost: (error) => fail(new RunError('lost', error)),
    });
  }

  /** Known once the service accepted the run. */
  get executionId(): string | undefined {
    return this.#handle?.executionId;
  }

  /** The resume token from `accepted`. */
  get token(): string | undefined {
    return this.#handle?.token;
  }

  /** Whether the result (or a failure) has arrived. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Asks the service to stop the run; its result then says `cancelled` (unless it finished first). */
  cancel(): void {
    this.#handle?.cancel();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ExecutionEvent> {
    let next = 0;
    for (;;) {
      while (next < this.events.length) yield this.events[next++]!;
      if (this.#failure) throw this.#failure;
      if (this.#finished) return;
      await new Promise<void>((wake) => this.#wakers.add(wake));
    }
  }

  #wake(): void {
    for (const wake of this.#wakers) wake();
    this.#wakers.clear();
  }
}
