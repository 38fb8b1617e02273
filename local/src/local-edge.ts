/**
 * The local edge: plays API Gateway's part on one machine. It accepts WebSockets at
 * `/ws`, assigns connection ids, runs `$connect`/`$disconnect`, dispatches each frame
 * to `$default`, closes a socket with 1009 past 128 KiB and after the idle timeout, and
 * serves the management API (`/@connections/{id}`) with AWS's status codes, so the
 * official SDK client works against it unchanged.
 *
 * The management API shares the public port: it takes only calls signed with the access
 * key id the local stack makes up at each start and gives the workers (the key id travels
 * in clear in the signature, but only over loopback, so nobody else learns it; the
 * signature itself is not verified). Without one configured, only callers on this machine
 * are accepted.
 */
import { timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { WebSocket } from 'ws';
import { LIMITS } from '@playground/shared';
import { newConnectionId } from '@playground/shared/ids';
import type { EdgeParts, GatewayEdge } from '@playground/gateway';

export interface LocalEdgeOptions extends EdgeParts {
  idleTimeoutMs?: number;
  /** The access key id `/@connections` callers must sign with; absent, loopback callers only. */
  accessKeyId?: string;
}

/** The access key id of a SigV4 `Authorization` header, or undefined. */
export function signedKeyId(authorization: string | undefined): string | undefined {
  return /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

interface Socket {
  socket: WebSocket;
  connectionId: string;
  sourceIp: string;
  userAgent: string;
  connectedAt: number;
  lastActiveAt: number;
}

const kConnectionId = Symbol('connectionId');
declare module 'fastify' {
  interface FastifyRequest {
    [kConnectionId]?: string;
  }
}

/**
 * Bytes a socket may have waiting to be sent (beyond what the kernel holds) before the
 * edge gives up on it: a client that does not read cannot make the gateway hold every
 * run's output. Its runs go on and are stored; it can reconnect and resume them.
 */
export const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

function awsError(reply: FastifyReply, status: number, type: string, message: string): FastifyReply {
  return reply.code(status).header('x-amzn-errortype', type).send({ message });
}

async function localEdge(app: FastifyInstance, opts: LocalEdgeOptions): Promise<void> {
  const { handlers, limits } = opts;
  const idleTimeoutMs = opts.idleTimeoutMs ?? LIMITS.idleTimeoutMs;
  if (!(idleTimeoutMs > 0)) throw new Error(`idleTimeoutMs must be positive, got ${idleTimeoutMs}`);
  const sockets = new Map<string, Socket>();
  let accepting = true;

  // Registered before the websocket plugin so that it runs first: clients learn the
  // server is going away (1001), as API Gateway tells them on a deploy, and reconnect.
  app.addHook('preClose', async () => {
    accepting = false;
    clearInterval(sweep);
    for (const s of sockets.values()) s.socket.close(1001, 'Going away: server restarting');
  });
  await app.register(websocket, { options: { maxPayload: LIMITS.maxFrameBytes } });
  app.decorate('edgeSockets', sockets);

  // API Gateway runs $connect before the upgrade and refuses the handshake when it
  // fails; doing it in preValidation gives the same behaviour.
  app.get('/ws', {
    websocket: true,
    preValidation: async (req, reply) => {
      if (!accepting) return reply.code(503).send({ message: 'The gateway is shutting down; reconnect.' });
      try {
        limits.admitSocket(req.ip);
      } catch (err) {
        return reply.code(429).send({ message: (err as Error).message });
      }
      const connectionId = newConnectionId();
      try {
        await handlers.connect({ connectionId, sourceIp: req.ip });
      } catch (err) {
        limits.releaseSocket(req.ip);
        req.log.error({ err }, '$connect failed');
        return reply.code(500).send({ message: 'Could not record the connection; retry.' });
      }
      req[kConnectionId] = connectionId;
    },
  }, (socket, req) => {
    const connectionId = req[kConnectionId]!;
    const now = Date.now();
    const entry: Socket = { socket, connectionId, sourceIp: req.ip, userAgent: req.headers['user-agent'] ?? '', connectedAt: now, lastActiveAt: now };
    sockets.set(connectionId, entry);
    const caller = { connectionId, sourceIp: req.ip };

    socket.on('message', (data: Buffer, binary: boolean) => {
      entry.lastActiveAt = Date.now();
      handlers.message(caller, data, binary).then((reply) => {
        if (reply && socket.readyState === socket.OPEN) socket.send(JSON.stringify(reply));
      }, (err: unknown) => req.log.error({ err, connectionId }, 'frame handling failed'));
    });
    socket.on('error', (err) => req.log.warn({ err, connectionId }, 'socket error'));
    socket.on('close', () => {
      sockets.delete(connectionId);
      limits.releaseSocket(req.ip);
      handlers.disconnect(caller).catch((err: unknown) => req.log.error({ err, connectionId }, '$disconnect failed'));
    });
  });

  // Like API Gateway, close sockets that sent nothing for the idle timeout.
  const sweep = setInterval(() => {
    const cutoff = Date.now() - idleTimeoutMs;
    for (const s of sockets.values()) if (s.lastActiveAt < cutoff) s.socket.close(1001, 'Going away: idle timeout');
  }, Math.min(10_000, Math.max(50, idleTimeoutMs / 4)));
  sweep.unref();

  await app.register(async function managementApi(api) {
    // The SDK posts the payload as an opaque body; take every content type as bytes.
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: LIMITS.maxFrameBytes * 2 }, (_req, body, done) => done(null, body));
    api.addHook('onRequest', async (req, reply) => {
      // Real API Gateway refuses unsigned calls, and calls signed by others.
      const keyId = signedKeyId(req.headers.authorization);
      if (keyId === undefined) return awsError(reply, 403, 'ForbiddenException', 'Missing Authentication Token');
      const allowed = opts.accessKeyId !== undefined ? sameSecret(keyId, opts.accessKeyId) : LOOPBACK.test(req.ip);
      if (!allowed) return awsError(reply, 403, 'ForbiddenException', 'The security token included in the request is invalid.');
    });
    const live = (id: string): Socket | undefined => {
      const s = sockets.get(id);
      return s && s.socket.readyState === s.socket.OPEN ? s : undefined;
    };
    api.post<{ Params: { id: string } }>('/@connections/:id', async (req, reply) => {
      const s = live(req.params.id);
      if (!s) return awsError(reply, 410, 'GoneException', `Connection ${req.params.id} is gone.`);
      const body = req.body as Buffer | undefined;
      if (body && body.length > LIMITS.maxFrameBytes) return awsError(reply, 413, 'PayloadTooLargeException', `Payload of ${body.length} bytes is over ${LIMITS.maxFrameBytes}.`);
      if (s.socket.bufferedAmount > MAX_UNSENT_BYTES) {
        req.log.warn({ connectionId: s.connectionId, unsent: s.socket.bufferedAmount }, 'closing a socket that does not read its messages');
        // The close frame waits behind what is unsent, which this client does not read:
        // drop the connection if it is not gone a moment later.
        s.socket.close(1008, 'Policy violation: the client is not reading its messages');
        setTimeout(() => s.socket.terminate(), 1000).unref();
        return awsError(reply, 410, 'GoneException', `Connection ${req.params.id} is gone.`);
      }
      s.socket.send(body?.toString('utf8') ?? '');
      return reply.code(200).send();
    });
    api.get<{ Params: { id: string } }>('/@connections/:id', async (req, reply) => {
      const s = live(req.params.id);
      if (!s) return awsError(reply, 410, 'GoneException', `Connection ${req.params.id} is gone.`);
      // API Gateway's wire names are camelCase; the SDK maps them to its PascalCase fields.
      return reply.send({
        connectedAt: new Date(s.connectedAt).toISOString(),
        identity: { sourceIp: s.sourceIp, userAgent: s.userAgent },
        lastActiveAt: new Date(s.lastActiveAt).toISOString(),
      });
    });
    api.delete<{ Params: { id: string } }>('/@connections/:id', async (req, reply) => {
      const s = live(req.params.id);
      if (!s) return awsError(reply, 410, 'GoneException', `Connection ${req.params.id} is gone.`);
      s.socket.close(1000, 'Closed by the server');
      return reply.code(204).send();
    });
  });

}

const plugin = fp(localEdge, { name: 'local-edge' });
export default plugin;

/** The local edge as the gateway's `edge` option: the gateway hands it its handlers and limits. */
export function localEdgeFor(options: Omit<LocalEdgeOptions, keyof EdgeParts> = {}): GatewayEdge {
  return async (app, parts) => {
    await app.register(plugin, { ...parts, ...options });
  };
}
