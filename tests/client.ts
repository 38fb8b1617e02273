/**
 * The tests' client: `@playground/client`'s Connection (the one implementation of the
 * protocol) over a `ws` socket, without reconnecting, plus what tests need on top: every
 * message as it arrived (duplicates and all), waiting for conditions instead of sleeping,
 * and raw frames for tests of what the service does with malformed ones.
 */
import WebSocket from 'ws';
import { Connection, Playground, RunError, type SocketLike } from '@playground/client';
import type { ExecutionEvent, ResultMessage, RunMessage, ServerMessage } from '@playground/shared';

export interface RunHandle {
  executionId: string;
  token: string;
  /**
   * The run's events as they came on the wire, each seq once, in arrival order: not the
   * client's ordered view, so that a test can still see a second `result` (another seq)
   * that the client would hide.
   */
  events(): ExecutionEvent[];
  result(timeoutMs?: number): Promise<ResultMessage>;
}

let counter = 0;

export class TestClient {
  readonly ws: WebSocket;
  readonly connection: Connection;
  readonly playground: Playground;
  /** Every message received, in arrival order, before ordering and de-duplication. */
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters = new Set<() => void>();

  private constructor(ws: WebSocket, connection: Connection) {
    this.ws = ws;
    this.connection = connection;
    this.playground = new Playground(connection);
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => {
      for (const wake of this.#waiters) wake();
      resolve({ code, reason: reason.toString() });
    }));
  }

  static async connect(url: string, options: { localAddress?: string } = {}): Promise<TestClient> {
    let client: TestClient | undefined;
    let ws: WebSocket | undefined;
    const opened = Promise.withResolvers<void>();
    const connection = new Connection({
      url,
      reconnect: false,
      createSocket: (target) => {
        ws = new WebSocket(target, options);
        ws.once('open', () => opened.resolve());
        ws.once('error', (err) => opened.reject(err));
        return ws as unknown as SocketLike;
      },
      onMessage: (message) => {
        client!.messages.push(message);
        for (const wake of client!.#waiters) wake();
      },
    });
    connection.start();
    client = new TestClient(ws!, connection);
    await opened.promise;
    return client;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a frame as it is: an object as JSON, a string or a Buffer untouched (malformed ones included). */
  send(message: unknown): void {
    this.ws.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message));
  }

  /** Resolves with the first message (from `from` on) that matches; rejects after `timeoutMs`. */
  waitFor<T extends ServerMessage = ServerMessage>(match: (m: ServerMessage) => boolean, timeoutMs = 20_000, from = 0): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.slice(from).find(match);
        if (found) {
          done();
          resolve(found as T);
        } else if (this.ws.readyState === WebSocket.CLOSED) {
          done();
          reject(new Error(`socket closed while waiting; got ${JSON.stringify(this.messages.slice(-5))}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms; last messages: ${JSON.stringify(this.messages.slice(-5))}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Sends a request and waits for the reply carrying its requestId. */
  async request<T extends ServerMessage = ServerMessage>(message: Record<string, unknown>, timeoutMs?: number): Promise<T> {
    const requestId = (message.requestId as string | undefined) ?? `q-${++counter}`;
    this.send({ ...message, requestId });
    return this.waitFor<T>((m) => 'requestId' in m && m.requestId === requestId, timeoutMs);
  }

  /** The execution's messages as received, each seq once (delivery is at least once), in arrival order. */
  eventsOf(executionId: string): ExecutionEvent[] {
    const bySeq = new Map<number, ExecutionEvent>();
    for (const m of this.messages) {
      if ((m.type === 'started' || m.type === 'output' || m.type === 'result') && m.executionId === executionId && !bySeq.has(m.seq)) bySeq.set(m.seq, m);
    }
    return [...bySeq.values()];
  }

  /** Submits a run through the client; throws with the refusal if it was not accepted. */
  async run(code: string, extra: Partial<Omit<RunMessage, 'action' | 'requestId' | 'code'>> = {}): Promise<RunHandle> {
    const execution = this.playground.run({ language: 'javascript', code, ...extra });
    let executionId: string;
    try {
      executionId = await execution.accepted;
    } catch (err) {
      throw err instanceof RunError ? new Error(`run not accepted: ${err.message}`) : err;
    }
    return {
      executionId,
      token: execution.token!,
      events: () => this.eventsOf(executionId),
      result: (timeoutMs = 30_000) => {
        const { promise, reject } = Promise.withResolvers<never>();
        const timer = setTimeout(() => reject(new Error(`no result for ${executionId} within ${timeoutMs} ms; last messages: ${JSON.stringify(this.messages.slice(-5))}`)), timeoutMs);
        return Promise.race([execution.result, promise]).finally(() => clearTimeout(timer));
      },
    };
  }

  close(): Promise<{ code: number; reason: string }> {
    this.connection.close();
    return this.closed;
  }
}

/** The stdout a run printed, in seq order. */
export const stdoutOf = (events: ExecutionEvent[]): string =>
  [...events].sort((a, b) => a.seq - b.seq).filter((e) => e.type === 'output' && e.stream === 'stdout').map((e) => (e as { data: string }).data).join('');

/**
 * The sockets a test file opens, dropped at its end so that no open socket keeps the
 * stack from closing: `connect` opens one (to `url`, by default the stack's gateway)
 * and keeps it; `terminateAll`, in the file's afterAll, drops every one still open.
 */
export class TestClients {
  readonly #url: () => string;
  readonly #opened: TestClient[] = [];

  /** `url`: the gateway sockets go to unless told otherwise, asked when one opens (the stack starts later). */
  constructor(url: () => string) {
    this.#url = url;
  }

  async connect(options: { url?: string; localAddress?: string } = {}): Promise<TestClient> {
    const { url = this.#url(), ...socket } = options;
    const client = await TestClient.connect(url, socket);
    this.#opened.push(client);
    return client;
  }

  terminateAll(): void {
    for (const c of this.#opened) if (c.open) c.ws.terminate();
  }
}
