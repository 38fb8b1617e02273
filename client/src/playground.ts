import { Connection, type ClientOptions, type ConnectionState, type RunRequest, type Snippet } from './connection.ts';
import { Execution } from './execution.ts';

export interface ConnectOptions extends Omit<ClientOptions, 'url'> {
  /** How long `connect` waits for the first socket to open before it gives up. */
  connectTimeoutMs?: number;
  /** How many failed attempts in a row (refused, unreachable) `connect` accepts before it gives up. */
  connectAttempts?: number;
}

/** A connection to the playground: start runs, share and load snippets. */
export class Playground {
  readonly connection: Connection;

  constructor(connection: Connection) {
    this.connection = connection;
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  /** Starts a run. Nothing is awaited here: iterate it, or await `run.result`. */
  run(request: RunRequest): Execution {
    return new Execution((handlers) => this.connection.run(request, handlers));
  }

  /** Stores a snippet; resolves with its short id (a share link is `<web app>/s/<id>`). */
  share(snippet: Omit<Snippet, 'snippetId'>): Promise<string> {
    return this.connection.share(snippet);
  }

  load(snippetId: string): Promise<Snippet> {
    return this.connection.load(snippetId);
  }

  /** Round trip to the service, in ms. */
  ping(): Promise<number> {
    return this.connection.ping();
  }

  close(): void {
    this.connection.close();
  }
}

/**
 * Connects, and resolves once the first socket is open (it rejects if none opens within
 * `connectTimeoutMs`). From then on the connection heals by itself.
 */
export function connect(url: ClientOptions['url'], options: ConnectOptions = {}): Promise<Playground> {
  const { connectTimeoutMs = 10_000, connectAttempts = 3, onStateChange, ...rest } = options;
  const where = typeof url === 'string' ? url : 'the playground';
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      connection.close();
      reject(new Error(`could not connect to ${where}: ${why}`));
    };
    const timer = setTimeout(() => fail(`no socket opened within ${connectTimeoutMs} ms`), connectTimeoutMs);
    let connected = false;
    const connection = new Connection({
      ...rest,
      url,
      onStateChange: (state, attempts) => {
        onStateChange?.(state, attempts);
        if (connected) return;
        if (state === 'connected') {
          connected = true;
          clearTimeout(timer);
          resolve(new Playground(connection));
        } else if (attempts >= connectAttempts && !connection.closed) {
          fail(`${attempts} attempts failed`);
        }
      },
    });
    connection.start();
  });
}
