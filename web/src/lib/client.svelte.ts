/**
 * The one place in the web app that talks to the socket: `@playground/client`'s
 * `Connection` (reconnect with backoff and jitter, resume, `seq` ordering, events before
 * `accepted`), with its connection state made reactive for the indicator. Components
 * never see a WebSocket: they call `run`, `share` and `load`, and read `state`.
 */
import {
  Connection,
  type ClientOptions,
  type ConnectionState,
  type RunHandle,
  type RunHandlers,
  type RunRequest,
  type Snippet,
} from '@playground/client';

export class PlaygroundClient {
  /** For the connection indicator. */
  state: ConnectionState = $state('connecting');
  /** Failed attempts since the last successful connection. */
  attempts = $state(0);
  readonly #connection: Connection;

  constructor(options: ClientOptions) {
    this.#connection = new Connection({
      ...options,
      onStateChange: (state, attempts) => {
        this.state = state;
        this.attempts = attempts;
        options.onStateChange?.(state, attempts);
      },
    });
  }

  /** Opens the first connection. Idempotent. */
  start(): void {
    this.#connection.start();
  }

  /** Closes the socket for good and fails whatever waits on it. Idempotent. */
  close(): void {
    this.#connection.close();
  }

  /** Skips the backoff wait (the browser came back online, or the user asked). */
  reconnectNow(): void {
    this.#connection.reconnectNow();
  }

  run(request: RunRequest, handlers: RunHandlers): RunHandle {
    return this.#connection.run(request, handlers);
  }

  share(snippet: Omit<Snippet, 'snippetId'>): Promise<string> {
    return this.#connection.share(snippet);
  }

  load(snippetId: string): Promise<Snippet> {
    return this.#connection.load(snippetId);
  }
}
