/**
 * A WebSocket client for tests that speaks the protocol as any client would: it keeps
 * every message, groups execution messages by id (they may arrive before `accepted`),
 * and waits for conditions instead of sleeping.
 */
import WebSocket from 'ws';
import { unbatch, type ExecutionEvent, type ResultMessage, type RunMessage, type ServerMessage } from '@playground/shared';

export interface RunHandle {
  executionId: string;
  token: string;
  events(): ExecutionEvent[];
  result(timeoutMs?: number): Promise<ResultMessage>;
}

let counter = 0;

export class TestClient {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters = new Set<() => void>();

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      // A batch frame stands for its events, each as if it had come alone.
      this.messages.push(...unbatch(JSON.parse(data.toString()) as ServerMessage));
      for (const wake of this.#waiters) wake();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => {
      for (const wake of this.#waiters) wake();
      resolve({ code, reason: reason.toString() });
    }));
  }

  static async connect(url: string, options: { localAddress?: string } = {}): Promise<TestClient> {
    const ws = new WebSocket(url, options);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new TestClient(ws);
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

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

  /** The execution's messages as a client keeps them: by seq, each seq once (delivery is at least once). */
  eventsOf(executionId: string): ExecutionEvent[] {
    const bySeq = new Map<number, ExecutionEvent>();
    for (const m of this.messages) {
      if ((m.type === 'started' || m.type === 'output' || m.type === 'result') && m.executionId === executionId && !bySeq.has(m.seq)) bySeq.set(m.seq, m);
    }
    return [...bySeq.values()];
  }

  /** Submits a run; throws with the reply if it was not accepted. */
  async run(code: string, extra: Partial<RunMessage> = {}): Promise<RunHandle> {
    const reply = await this.request({ action: 'run', language: 'javascript', code, ...extra });
    if (reply.type !== 'accepted') throw new Error(`run not accepted: ${JSON.stringify(reply)}`);
    const { executionId, token } = reply;
    return {
      executionId,
      token,
      events: () => this.eventsOf(executionId),
      result: (timeoutMs = 30_000) => this.waitFor<ResultMessage>((m) => m.type === 'result' && m.executionId === executionId, timeoutMs),
    } as RunHandle;
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

/** The stdout a run printed, in seq order. */
export const stdoutOf = (events: ExecutionEvent[]): string =>
  [...events].sort((a, b) => a.seq - b.seq).filter((e) => e.type === 'output' && e.stream === 'stdout').map((e) => (e as { data: string }).data).join('');
