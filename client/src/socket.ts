/**
 * The part of a WebSocket the client uses. The browser's and Node 22+'s platform
 * `WebSocket` fit it as they are; `ws` (older runtimes) fits through its constructor;
 * tests hand in a fake.
 */
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

/** Anything constructed like the standard WebSocket: `new WebSocket(url)`. */
export type WebSocketConstructor = new (url: string) => unknown;

export const OPEN = 1;

/** A factory from a constructor, or from the platform's own when none is given. */
export function socketFactory(constructor?: WebSocketConstructor): SocketFactory {
  return (url) => {
    const Socket = constructor ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Socket) {
      throw new Error('this runtime has no WebSocket: use Node 22+ or pass one, e.g. connect(url, { WebSocket: (await import("ws")).default })');
    }
    return new Socket(url) as SocketLike;
  };
}
