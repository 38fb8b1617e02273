/**
 * The one implementation of the protocol's client side: a socket that reconnects by
 * itself and the executions that outlive it. Callback-based and framework-free; the
 * `Playground`/`Execution` API (./playground.ts) and the web app's reactive client are
 * thin layers over it.
 *
 * What it guarantees to its callers:
 * - Reconnects by itself, with exponential backoff and jitter, and again at once when
 *   the browser says it is back online.
 * - Executions outlive a socket: after a reconnect every unfinished execution is
 *   resumed with its token and the last `seq` delivered, so nothing is lost or shown
 *   twice. A run that was sent but not yet accepted is sent again (delivery is at least
 *   once, as on the server side); share/load/ping requests are repeated too (idempotent).
 * - Each execution's events reach its handler once, in `seq` order (./ordering.ts).
 * - Events that arrive before their run's `accepted` (the worker's posts and the route
 *   response travel separately, so they can overtake it) are held for a short while
 *   and handed over once `accepted` names their execution.
 * - A `batch` frame is read as the messages it holds, in order.
 * - With `retryRateLimited`, a run refused `rate_limited` is sent again after the
 *   `retryAfterMs` the service named.
 */
import type {
  ClientMessage,
  ErrorMessage,
  ExecutionEvent,
  Language,
  RunMessage,
  ServerMessage,
  SnippetMessage,
} from './messages.ts';
import { decodeFrame } from './messages.ts';
import { SeqOrder } from './ordering.ts';
import { OPEN, socketFactory, type SocketFactory, type SocketLike, type WebSocketConstructor } from './socket.ts';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ClientOptions {
  /** The socket URL, or how to find it (read once per connection attempt). */
  url: string | (() => string | Promise<string>);
  /** How sockets are made; tests hand in fakes. Default: `new WebSocket(url)`. */
  createSocket?: SocketFactory;
  /** The WebSocket to use where the runtime has none (e.g. `ws` on Node < 22). */
  WebSocket?: WebSocketConstructor;
  /** First reconnect delay; doubles per failed attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** After this many failed attempts in a row the state says offline (it keeps trying). */
  offlineAfter?: number;
  /** How long an out-of-order event waits for the missing `seq` before it is skipped. */
  gapMs?: number;
  /** Keep-alive ping interval, well under the 10-minute idle timeout; 0 sends none. */
  pingIntervalMs?: number;
  /** How long share/load/ping wait for their answer. */
  requestTimeoutMs?: number;
  /**
   * Reconnect after a close the client did not ask for (default). Without, a close ends
   * the client: unfinished runs are lost (`closed`), as a raw socket would have it.
   */
  reconnect?: boolean;
  /** Send a run refused `rate_limited` again after the `retryAfterMs` it names. */
  retryRateLimited?: boolean;
  random?: () => number;
  /** Every state change, with the failed attempts since the last good connection. */
  onStateChange?: (state: ConnectionState, attempts: number) => void;
  /**
   * Every server message as it arrives (a batch's messages one by one), before ordering
   * and de-duplication, with `performance.now()` at arrival: for benchmarks and logs.
   */
  onMessage?: (message: ServerMessage, receivedAt: number) => void;
}

export interface RunRequest {
  language: Language;
  code: string;
  stdin?: string;
  timeoutMs?: number;
  memoryMb?: number;
}

export interface RunHandlers {
  onAccepted?(executionId: string): void;
  /** `started`, `output` and `result`, each once, in `seq` order. */
  onEvent(event: ExecutionEvent): void;
  /** The service refused the run (validation, rate limit, size...). Final. */
  onRejected?(error: { code: string; message: string; retryAfterMs?: number }): void;
  /** The execution can no longer be followed (resume refused, client closed). Final. */
  onLost?(error: { code: string; message: string }): void;
}

export interface RunHandle {
  readonly requestId: string;
  readonly executionId: string | undefined;
  /** The resume token from `accepted`: whoever holds it can follow the run from any socket. */
  readonly token: string | undefined;
  cancel(): void;
}

export interface Snippet {
  snippetId: string;
  language: Language;
  code: string;
  stdin?: string;
}

/** A request the service refused, or that could not be answered (`closed`, `timeout`). */
export class RequestError extends Error {
  readonly code: string;
  readonly retryAfterMs: number | undefined;
  constructor(code: string, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

interface Tracked {
  requestId: string;
  message: RunMessage;
  handlers: RunHandlers;
  executionId?: string;
  token?: string;
  order: SeqOrder;
  cancelRequested: boolean;
  retryTimer?: ReturnType<typeof setTimeout>;
}

interface PendingRequest {
  message: ClientMessage & { requestId: string };
  resolve(message: ServerMessage): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** `addEventListener` of a browser's window; absent in Node. */
const windowEvents = globalThis as { addEventListener?: (type: string, listener: () => void) => void; removeEventListener?: (type: string, listener: () => void) => void };

/** Bounds of what is held for executions not yet accepted. */
const EARLY_EXECUTIONS = 16;
const EARLY_EVENTS = 256;
const DEFAULT_RETRY_AFTER_MS = 1_000;

type Defaults = Required<Omit<ClientOptions, 'url' | 'WebSocket' | 'onStateChange' | 'onMessage'>>;

export class Connection {
  readonly #options: Defaults & ClientOptions;
  #state: ConnectionState = 'connecting';
  #attempts = 0;
  #socket: SocketLike | null = null;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  #started = false;
  #counter = 0;
  readonly #prefix: string;
  readonly #runs = new Map<string, Tracked>();
  readonly #byExecution = new Map<string, Tracked>();
  /** Events for executions not (yet) known here, oldest first; bounded (see #holdEarly). */
  readonly #early = new Map<string, { at: number; events: ExecutionEvent[] }>();
  readonly #requests = new Map<string, PendingRequest>();
  readonly #onOnline = () => this.reconnectNow();

  constructor(options: ClientOptions) {
    this.#options = {
      createSocket: socketFactory(options.WebSocket),
      baseDelayMs: 500,
      maxDelayMs: 15_000,
      offlineAfter: 4,
      gapMs: 1_500,
      pingIntervalMs: 60_000,
      requestTimeoutMs: 15_000,
      reconnect: true,
      retryRateLimited: false,
      random: Math.random,
      ...options,
    };
    // Request ids only need to be unique per socket; the prefix keeps two clients' logs apart.
    this.#prefix = Math.floor(this.#options.random() * 36 ** 4).toString(36);
  }

  /** For a connection indicator. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** Failed attempts since the last successful connection. */
  get attempts(): number {
    return this.#attempts;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Opens the first connection. Idempotent. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    windowEvents.addEventListener?.('online', this.#onOnline);
    void this.#connect();
  }

  /** Closes the socket for good and fails whatever waits on it. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    windowEvents.removeEventListener?.('online', this.#onOnline);
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#pingTimer);
    for (const request of this.#requests.values()) {
      clearTimeout(request.timer);
      request.reject(new RequestError('closed', 'the client was closed'));
    }
    this.#requests.clear();
    for (const tracked of [...this.#runs.values()]) {
      this.#finish(tracked);
      tracked.handlers.onLost?.({ code: 'closed', message: 'the client was closed before the run finished' });
    }
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      socket.onclose = null;
      socket.close(1000, 'client closed');
    }
    this.#setState('offline');
  }

  /** Skips the backoff wait (the browser came back online, or the user asked). */
  reconnectNow(): void {
    if (this.#closed || this.#socket) return;
    clearTimeout(this.#reconnectTimer);
    void this.#connect();
  }

  run(request: RunRequest, handlers: RunHandlers): RunHandle {
    const requestId = this.#nextId('r');
    const message: RunMessage = { action: 'run', requestId, ...request };
    const tracked: Tracked = {
      requestId,
      message,
      handlers,
      order: new SeqOrder((event) => this.#emit(tracked, event), this.#options.gapMs),
      cancelRequested: false,
    };
    this.#runs.set(requestId, tracked);
    this.#send(message);
    return {
      get requestId() {
        return tracked.requestId;
      },
      get executionId() {
        return tracked.executionId;
      },
      get token() {
        return tracked.token;
      },
      cancel: () => this.#cancel(tracked),
    };
  }

  /** Stores a snippet; resolves with its short id. */
  async share(snippet: Omit<Snippet, 'snippetId'>): Promise<string> {
    const answer = await this.#request({ action: 'share', requestId: this.#nextId('s'), ...snippet });
    if (answer.type !== 'shared') throw new RequestError('internal', `unexpected ${answer.type}`);
    return answer.snippetId;
  }

  /** Loads a shared snippet by id. */
  async load(snippetId: string): Promise<Snippet> {
    const answer = await this.#request({ action: 'load', requestId: this.#nextId('l'), snippetId });
    if (answer.type !== 'snippet') throw new RequestError('internal', `unexpected ${answer.type}`);
    const { language, code, stdin } = answer as SnippetMessage;
    return stdin === undefined ? { snippetId, language, code } : { snippetId, language, code, stdin };
  }

  /** Resolves with the round trip in ms once the service answers `pong`. */
  async ping(): Promise<number> {
    const sentAt = performance.now();
    await this.#request({ action: 'ping', requestId: this.#nextId('p') });
    return performance.now() - sentAt;
  }

  #nextId(kind: string): string {
    this.#counter += 1;
    return `${kind}-${this.#prefix}-${this.#counter}`;
  }

  #request(message: ClientMessage & { requestId: string }): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      if (this.#closed) return reject(new RequestError('closed', 'the client was closed'));
      const timer = setTimeout(() => {
        this.#requests.delete(message.requestId);
        reject(new RequestError('timeout', 'no answer from the service; try again'));
      }, this.#options.requestTimeoutMs);
      this.#requests.set(message.requestId, { message, resolve, reject, timer });
      this.#send(message);
    });
  }

  #cancel(tracked: Tracked): void {
    if (tracked.order.done || tracked.cancelRequested) return;
    tracked.cancelRequested = true;
    // Without an execution id the cancel goes out as soon as `accepted` names it.
    if (tracked.executionId) this.#send({ action: 'cancel', executionId: tracked.executionId });
  }

  /** Sends now if the socket is open; otherwise the message is replayed on (re)connect. */
  #send(message: ClientMessage): void {
    const socket = this.#socket;
    if (socket && socket.readyState === OPEN && this.#state === 'connected') {
      socket.send(JSON.stringify(message));
    }
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    this.#options.onStateChange?.(state, this.#attempts);
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    this.#setState(this.#attempts === 0 ? 'connecting' : this.#waitingState());
    let url: string;
    try {
      const { url: source } = this.#options;
      url = typeof source === 'function' ? await source() : source;
    } catch {
      return this.#scheduleReconnect();
    }
    if (this.#closed) return;
    let socket: SocketLike;
    try {
      socket = this.#options.createSocket(url);
    } catch {
      return this.#scheduleReconnect();
    }
    this.#socket = socket;
    socket.onopen = () => this.#onOpen(socket);
    socket.onmessage = (event) => this.#onFrame(event.data);
    // `error` is always followed by `close`; the close does the work.
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      clearInterval(this.#pingTimer);
      if (this.#options.reconnect) this.#scheduleReconnect();
      else this.close();
    };
  }

  #waitingState(): ConnectionState {
    const offline = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false;
    return offline || this.#attempts >= this.#options.offlineAfter ? 'offline' : 'reconnecting';
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    const { baseDelayMs, maxDelayMs, random } = this.#options;
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** this.#attempts);
    // "Equal jitter": never less than half the ceiling, so a fleet of clients that lost the
    // same server spreads out without any of them hammering it.
    const delay = ceiling / 2 + random() * (ceiling / 2);
    this.#attempts += 1;
    this.#setState(this.#waitingState());
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => void this.#connect(), delay);
  }

  #onOpen(socket: SocketLike): void {
    if (this.#socket !== socket) return;
    this.#attempts = 0;
    this.#setState('connected');
    const send = (message: ClientMessage) => socket.send(JSON.stringify(message));
    // Resumes first, so that a cancel queued while offline finds its execution owned.
    for (const tracked of this.#runs.values()) {
      if (tracked.order.done || tracked.retryTimer) continue;
      if (tracked.executionId && tracked.token) {
        send({ action: 'resume', executionId: tracked.executionId, token: tracked.token, afterSeq: tracked.order.lastSeq });
        if (tracked.cancelRequested) send({ action: 'cancel', executionId: tracked.executionId });
      } else {
        send(tracked.message);
      }
    }
    for (const request of this.#requests.values()) send(request.message);
    clearInterval(this.#pingTimer);
    if (this.#options.pingIntervalMs <= 0) return;
    this.#pingTimer = setInterval(() => {
      if (this.#socket === socket && socket.readyState === OPEN) send({ action: 'ping' });
    }, this.#options.pingIntervalMs);
  }

  #onFrame(data: unknown): void {
    const messages = decodeFrame(data);
    if (messages.length === 0) return;
    const receivedAt = performance.now();
    for (const message of messages) {
      this.#options.onMessage?.(message, receivedAt);
      this.#onMessage(message);
    }
  }

  #onMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'accepted': {
        const tracked = this.#runs.get(message.requestId);
        // A run sent twice (reconnect before `accepted`) may be accepted twice: keep the first.
        if (!tracked || tracked.executionId) return;
        tracked.executionId = message.executionId;
        tracked.token = message.token;
        this.#byExecution.set(message.executionId, tracked);
        tracked.handlers.onAccepted?.(message.executionId);
        const early = this.#early.get(message.executionId);
        this.#early.delete(message.executionId);
        for (const event of early?.events ?? []) tracked.order.push(event);
        if (tracked.cancelRequested && !tracked.order.done) this.#send({ action: 'cancel', executionId: message.executionId });
        return;
      }
      case 'rejected':
        return this.#failRequest(message.requestId, message.error);
      case 'error':
        return this.#onError(message);
      case 'started':
      case 'output':
      case 'result': {
        const tracked = this.#byExecution.get(message.executionId);
        if (tracked) tracked.order.push(message);
        else this.#holdEarly(message);
        return;
      }
      case 'shared':
      case 'snippet':
      case 'pong': {
        const request = message.requestId === undefined ? undefined : this.#requests.get(message.requestId);
        if (!request) return;
        this.#requests.delete(request.message.requestId);
        clearTimeout(request.timer);
        request.resolve(message);
        return;
      }
      default:
        // ack, and whatever a newer server adds.
        return;
    }
  }

  #onError(message: ErrorMessage): void {
    if (message.requestId) return this.#failRequest(message.requestId, message.error);
    const tracked = message.executionId ? this.#byExecution.get(message.executionId) : undefined;
    // A refused resume (unknown execution, expired, wrong token): stop following it.
    if (tracked && !tracked.order.done && message.error.code === 'not_found') {
      this.#finish(tracked);
      tracked.handlers.onLost?.(message.error);
    }
  }

  #failRequest(requestId: string, error: { code: string; message: string; retryAfterMs?: number }): void {
    const tracked = this.#runs.get(requestId);
    if (tracked && !tracked.executionId && !tracked.order.done) {
      if (error.code === 'rate_limited' && this.#options.retryRateLimited) return this.#retryLater(tracked, error.retryAfterMs);
      this.#finish(tracked);
      tracked.handlers.onRejected?.(error);
      return;
    }
    const request = this.#requests.get(requestId);
    if (request) {
      this.#requests.delete(requestId);
      clearTimeout(request.timer);
      request.reject(new RequestError(error.code, error.message, error.retryAfterMs));
    }
  }

  /** Sends a refused run again, under a new request id, once the service said it may succeed. */
  #retryLater(tracked: Tracked, retryAfterMs = DEFAULT_RETRY_AFTER_MS): void {
    this.#runs.delete(tracked.requestId);
    tracked.requestId = this.#nextId('r');
    tracked.message = { ...tracked.message, requestId: tracked.requestId };
    this.#runs.set(tracked.requestId, tracked);
    tracked.retryTimer = setTimeout(() => {
      tracked.retryTimer = undefined;
      if (!tracked.order.done) this.#send(tracked.message);
    }, retryAfterMs);
  }

  /**
   * Keeps an event whose `accepted` has not arrived. Most belong to a run about to be
   * accepted; the rest (a run this client was told failed, another client's) must not
   * pile up: entries expire after `gapMs` and only a few executions and events are kept.
   */
  #holdEarly(event: ExecutionEvent): void {
    const now = Date.now();
    for (const [id, entry] of this.#early) {
      if (now - entry.at <= this.#options.gapMs && this.#early.size < EARLY_EXECUTIONS) break;
      this.#early.delete(id);
    }
    let entry = this.#early.get(event.executionId);
    if (!entry) this.#early.set(event.executionId, (entry = { at: now, events: [] }));
    if (entry.events.length < EARLY_EVENTS) entry.events.push(event);
  }

  #emit(tracked: Tracked, event: ExecutionEvent): void {
    if (event.type === 'result') this.#finish(tracked);
    tracked.handlers.onEvent(event);
  }

  #finish(tracked: Tracked): void {
    tracked.order.finish();
    clearTimeout(tracked.retryTimer);
    this.#runs.delete(tracked.requestId);
    if (tracked.executionId) this.#byExecution.delete(tracked.executionId);
  }
}
