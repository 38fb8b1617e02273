/**
 * The one place that talks to the socket. Components never see a WebSocket: they call
 * `run`, `share` and `load`, and read `state` for the connection indicator.
 *
 * What it guarantees to its callers:
 * - Reconnects by itself, with exponential backoff and jitter, and again at once when
 *   the browser says it is back online.
 * - Executions outlive a socket: after a reconnect every unfinished execution is
 *   resumed with its token and the last `seq` delivered, so nothing is lost or shown
 *   twice. A run that was sent but not yet accepted is sent again (delivery is at least
 *   once, as on the server side); share/load requests are repeated too (idempotent).
 * - Each execution's events reach its handler once, in `seq` order: duplicates are
 *   dropped, early arrivals wait for the gap to fill. A gap that never fills (a replay
 *   past the stored output cap) is skipped after `gapMs`, and a `result` is never held
 *   back by one for longer than that.
 * - Events that arrive before their run's `accepted` (the worker's posts and the route
 *   response travel separately, so they can overtake it) are held for a short while
 *   and handed over once `accepted` names their execution.
 */
import type {
  ClientMessage,
  ErrorMessage,
  ExecutionEvent,
  Language,
  ServerMessage,
  SnippetMessage,
} from './protocol.ts';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** The part of the browser's WebSocket this client uses, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason?: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

export interface ClientOptions {
  /** The socket URL, or how to find it (read once per connection attempt). */
  url: string | (() => string | Promise<string>);
  createSocket?: SocketFactory;
  /** First reconnect delay; doubles per failed attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** After this many failed attempts in a row the indicator says offline (it keeps trying). */
  offlineAfter?: number;
  /** How long an out-of-order event waits for the missing `seq` before it is skipped. */
  gapMs?: number;
  /** Keep-alive ping interval, well under the 10-minute idle timeout. */
  pingIntervalMs?: number;
  /** How long share/load wait for their answer. */
  requestTimeoutMs?: number;
  random?: () => number;
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
  onRejected?(error: { code: string; message: string }): void;
  /** The execution can no longer be followed (resume refused). Final. */
  onLost?(error: { code: string; message: string }): void;
}

export interface RunHandle {
  readonly requestId: string;
  readonly executionId: string | undefined;
  cancel(): void;
}

export interface Snippet {
  snippetId: string;
  language: Language;
  code: string;
  stdin?: string;
}

export class RequestError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
  }
}

const OPEN = 1;

interface Tracked {
  requestId: string;
  message: ClientMessage & { action: 'run' };
  handlers: RunHandlers;
  executionId?: string;
  token?: string;
  /** The last seq handed to the handler: `afterSeq` for a resume. */
  lastSeq: number;
  pending: Map<number, ExecutionEvent>;
  gapTimer?: ReturnType<typeof setTimeout>;
  cancelRequested: boolean;
  done: boolean;
}

interface PendingRequest {
  message: ClientMessage;
  resolve(message: ServerMessage): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Bounds of what is held for executions not yet accepted. */
const EARLY_EXECUTIONS = 16;
const EARLY_EVENTS = 256;

const defaultSocketFactory: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike;

export class PlaygroundClient {
  /** For the connection indicator. */
  state: ConnectionState = $state('connecting');
  /** Failed attempts since the last successful connection. */
  attempts = $state(0);

  readonly #options: Required<Omit<ClientOptions, 'url'>> & Pick<ClientOptions, 'url'>;
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
      createSocket: defaultSocketFactory,
      baseDelayMs: 500,
      maxDelayMs: 15_000,
      offlineAfter: 4,
      gapMs: 1_500,
      pingIntervalMs: 60_000,
      requestTimeoutMs: 15_000,
      random: Math.random,
      ...options,
    };
    // Request ids only need to be unique per socket; the prefix keeps two tabs' logs apart.
    this.#prefix = Math.floor(this.#options.random() * 36 ** 4).toString(36);
  }

  /** Opens the first connection. Idempotent. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    globalThis.addEventListener?.('online', this.#onOnline);
    void this.#connect();
  }

  /** Closes the socket for good and fails whatever waits on it. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    globalThis.removeEventListener?.('online', this.#onOnline);
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#pingTimer);
    for (const tracked of this.#runs.values()) clearTimeout(tracked.gapTimer);
    for (const request of this.#requests.values()) {
      clearTimeout(request.timer);
      request.reject(new RequestError('closed', 'the client was closed'));
    }
    this.#requests.clear();
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      socket.onclose = null;
      socket.close(1000, 'client closed');
    }
    this.state = 'offline';
  }

  /** Skips the backoff wait (the browser came back online, or the user asked). */
  reconnectNow(): void {
    if (this.#closed || this.#socket) return;
    clearTimeout(this.#reconnectTimer);
    void this.#connect();
  }

  run(request: RunRequest, handlers: RunHandlers): RunHandle {
    const requestId = this.#nextId('r');
    const message = { action: 'run' as const, requestId, ...request };
    const tracked: Tracked = {
      requestId,
      message,
      handlers,
      lastSeq: 0,
      pending: new Map(),
      cancelRequested: false,
      done: false,
    };
    this.#runs.set(requestId, tracked);
    this.#send(message);
    return {
      requestId,
      get executionId() {
        return tracked.executionId;
      },
      cancel: () => this.#cancel(tracked),
    };
  }

  /** Stores a snippet; resolves with its short id. */
  async share(snippet: Omit<Snippet, 'snippetId'>): Promise<string> {
    const requestId = this.#nextId('s');
    const answer = await this.#request({ action: 'share', requestId, ...snippet });
    if (answer.type !== 'shared') throw new RequestError('internal', `unexpected ${answer.type}`);
    return answer.snippetId;
  }

  /** Loads a shared snippet by id. */
  async load(snippetId: string): Promise<Snippet> {
    const requestId = this.#nextId('l');
    const answer = await this.#request({ action: 'load', requestId, snippetId });
    if (answer.type !== 'snippet') throw new RequestError('internal', `unexpected ${answer.type}`);
    const { language, code, stdin } = answer as SnippetMessage;
    return stdin === undefined ? { snippetId, language, code } : { snippetId, language, code, stdin };
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
    if (tracked.done || tracked.cancelRequested) return;
    tracked.cancelRequested = true;
    // Without an execution id the cancel goes out as soon as `accepted` names it.
    if (tracked.executionId) this.#send({ action: 'cancel', executionId: tracked.executionId });
  }

  /** Sends now if the socket is open; otherwise the message is replayed on (re)connect. */
  #send(message: ClientMessage): void {
    const socket = this.#socket;
    if (socket && socket.readyState === OPEN && this.state === 'connected') {
      socket.send(JSON.stringify(message));
    }
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    this.state = this.attempts === 0 ? 'connecting' : this.#waitingState();
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
    socket.onmessage = (event) => this.#onMessage(event.data);
    // `error` is always followed by `close`; the close does the work.
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      clearInterval(this.#pingTimer);
      this.#scheduleReconnect();
    };
  }

  #waitingState(): ConnectionState {
    const offline = globalThis.navigator?.onLine === false;
    return offline || this.attempts >= this.#options.offlineAfter ? 'offline' : 'reconnecting';
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    const { baseDelayMs, maxDelayMs, random } = this.#options;
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** this.attempts);
    // "Equal jitter": never less than half the ceiling, so a fleet of tabs that lost the
    // same server spreads out without any of them hammering it.
    const delay = ceiling / 2 + random() * (ceiling / 2);
    this.attempts += 1;
    this.state = this.#waitingState();
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => void this.#connect(), delay);
  }

  #onOpen(socket: SocketLike): void {
    if (this.#socket !== socket) return;
    this.attempts = 0;
    this.state = 'connected';
    const send = (message: ClientMessage) => socket.send(JSON.stringify(message));
    // Resumes first, so that a cancel queued while offline finds its execution owned.
    for (const tracked of this.#runs.values()) {
      if (tracked.done) continue;
      if (tracked.executionId && tracked.token) {
        send({
          action: 'resume',
          executionId: tracked.executionId,
          token: tracked.token,
          afterSeq: tracked.lastSeq,
        });
        if (tracked.cancelRequested) send({ action: 'cancel', executionId: tracked.executionId });
      } else {
        send(tracked.message);
      }
    }
    for (const request of this.#requests.values()) send(request.message);
    clearInterval(this.#pingTimer);
    this.#pingTimer = setInterval(() => {
      if (this.#socket === socket && socket.readyState === OPEN) send({ action: 'ping' });
    }, this.#options.pingIntervalMs);
  }

  #onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if (!message || typeof message !== 'object') return;
    // A batch frame stands for its events, each as if it had come alone.
    if (message.type === 'batch') {
      for (const event of Array.isArray(message.events) ? message.events : []) this.#onServerMessage(event);
      return;
    }
    this.#onServerMessage(message);
  }

  #onServerMessage(message: ServerMessage): void {
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
        for (const event of early?.events ?? []) this.#deliver(tracked, event);
        if (tracked.cancelRequested && !tracked.done) this.#send({ action: 'cancel', executionId: message.executionId });
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
        if (tracked) this.#deliver(tracked, message);
        else this.#holdEarly(message);
        return;
      }
      case 'shared':
      case 'snippet': {
        const request = this.#requests.get(message.requestId);
        if (!request) return;
        this.#requests.delete(message.requestId);
        clearTimeout(request.timer);
        request.resolve(message);
        return;
      }
      default:
        // pong, ack, and whatever a newer server adds.
        return;
    }
  }

  #onError(message: ErrorMessage): void {
    if (message.requestId) return this.#failRequest(message.requestId, message.error);
    const tracked = message.executionId ? this.#byExecution.get(message.executionId) : undefined;
    // A refused resume (unknown execution, expired, wrong token): stop following it.
    if (tracked && !tracked.done && message.error.code === 'not_found') {
      this.#finish(tracked);
      tracked.handlers.onLost?.(message.error);
    }
  }

  #failRequest(requestId: string, error: { code: string; message: string }): void {
    const tracked = this.#runs.get(requestId);
    if (tracked && !tracked.executionId && !tracked.done) {
      this.#finish(tracked);
      tracked.handlers.onRejected?.(error);
      return;
    }
    const request = this.#requests.get(requestId);
    if (request) {
      this.#requests.delete(requestId);
      clearTimeout(request.timer);
      request.reject(new RequestError(error.code, error.message));
    }
  }

  /**
   * Keeps an event whose `accepted` has not arrived. Most belong to a run about to be
   * accepted; the rest (a run this client was told failed, another tab's) must not pile
   * up: entries expire after `gapMs` and only a few executions and events are kept.
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

  #deliver(tracked: Tracked, event: ExecutionEvent): void {
    if (tracked.done || event.seq <= tracked.lastSeq || tracked.pending.has(event.seq)) return;
    tracked.pending.set(event.seq, event);
    this.#drain(tracked);
    if (tracked.done) return;
    clearTimeout(tracked.gapTimer);
    tracked.gapTimer = undefined;
    if (tracked.pending.size > 0) {
      tracked.gapTimer = setTimeout(() => this.#drain(tracked, true), this.#options.gapMs);
    }
  }

  /** Hands over the events that are next in line; with `skipGaps`, all that wait. */
  #drain(tracked: Tracked, skipGaps = false): void {
    const emit = (event: ExecutionEvent) => {
      tracked.pending.delete(event.seq);
      tracked.lastSeq = event.seq;
      if (event.type === 'result') this.#finish(tracked);
      tracked.handlers.onEvent(event);
    };
    for (;;) {
      const next = tracked.pending.get(tracked.lastSeq + 1);
      if (next) {
        emit(next);
        if (tracked.done) return;
        continue;
      }
      if (!skipGaps || tracked.pending.size === 0) return;
      const lowest = Math.min(...tracked.pending.keys());
      emit(tracked.pending.get(lowest)!);
      if (tracked.done) return;
    }
  }

  #finish(tracked: Tracked): void {
    tracked.done = true;
    clearTimeout(tracked.gapTimer);
    tracked.pending.clear();
    this.#runs.delete(tracked.requestId);
    if (tracked.executionId) this.#byExecution.delete(tracked.executionId);
  }
}
