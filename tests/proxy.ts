/**
 * A WebSocket relay between a client and the local stack that can misbehave on purpose:
 * hold back `accepted` answers (so execution events overtake them, as they may in the
 * cloud) and cut every socket at once (as a network drop does), without touching the
 * service.
 */
import { WebSocketServer, WebSocket } from 'ws';

export interface Relay {
  url: string;
  /** ms by which `accepted` frames are held back; 0 relays them at once. */
  delayAcceptedMs: number;
  /** Cuts every relayed socket, both sides, without a close handshake. */
  cutAll(): void;
  close(): Promise<void>;
}

export async function startRelay(upstreamUrl: string): Promise<Relay> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const pairs = new Set<[WebSocket, WebSocket]>();
  const relay: Relay = {
    url: `ws://127.0.0.1:${(server.address() as { port: number }).port}`,
    delayAcceptedMs: 0,
    cutAll() {
      for (const [client, upstream] of pairs) {
        client.terminate();
        upstream.terminate();
      }
      pairs.clear();
    },
    async close() {
      relay.cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('connection', (client) => {
    const upstream = new WebSocket(upstreamUrl);
    const pair: [WebSocket, WebSocket] = [client, upstream];
    pairs.add(pair);
    const queued: string[] = [];
    upstream.on('open', () => {
      for (const frame of queued.splice(0)) upstream.send(frame);
    });
    client.on('message', (data) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(String(data));
      else queued.push(String(data));
    });
    upstream.on('message', (data) => {
      const text = String(data);
      const forward = () => client.readyState === WebSocket.OPEN && client.send(text);
      if (relay.delayAcceptedMs > 0 && text.includes('"type":"accepted"')) setTimeout(forward, relay.delayAcceptedMs);
      else forward();
    });
    const end = () => {
      pairs.delete(pair);
      client.terminate();
      upstream.terminate();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  return relay;
}
