/**
 * The door API Gateway uses in the cloud: its WebSocket routes call these as HTTP
 * integrations. The connection id and source address arrive as headers mapped from
 * `context.connectionId` and `context.identity.sourceIp`; a static header carries a
 * shared secret, so nothing but our API can call them. The body of the `$default`
 * response is what the client receives as the route response.
 */
import { INTEGRATION_HEADERS, INTEGRATION_ROUTES } from '@playground/shared/integration';
import fp from 'fastify-plugin';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LIMITS } from '@playground/shared';
import type { Caller, Handlers } from './handlers.ts';

export interface IntegrationOptions {
  handlers: Handlers;
  /** The secret API Gateway sends; during a rotation, the old and the new (docs/operations.md). */
  secret: string | ReadonlyArray<string>;
}

export { INTEGRATION_HEADERS };

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

async function integration(app: FastifyInstance, opts: IntegrationOptions): Promise<void> {
  const secrets = typeof opts.secret === 'string' ? [opts.secret] : [...opts.secret];
  if (!secrets.length || secrets.some((secret) => !secret || secret.length < 16)) throw new Error('The integration secret must be at least 16 characters (INTEGRATION_SECRET).');
  const expected = secrets.map(digest);
  // Every candidate is compared, so the time taken does not tell which one matched.
  const accepted = (given: string): boolean => expected.reduce((ok, e) => timingSafeEqual(digest(given), e) || ok, false);
  const { handlers } = opts;

  const callerOf = (req: FastifyRequest): Caller | undefined => {
    const connectionId = req.headers[INTEGRATION_HEADERS.connectionId];
    if (typeof connectionId !== 'string' || !connectionId) return undefined;
    const sourceIp = req.headers[INTEGRATION_HEADERS.sourceIp];
    return { connectionId, sourceIp: typeof sourceIp === 'string' && sourceIp ? sourceIp : req.ip };
  };

  await app.register(async function routes(api) {
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: LIMITS.maxFrameBytes }, (_req, body, done) => done(null, body));
    api.addHook('onRequest', async (req, reply) => {
      const given = req.headers[INTEGRATION_HEADERS.secret];
      if (typeof given !== 'string' || !accepted(given)) {
        return reply.code(403).send({ message: 'Forbidden: missing or wrong integration secret.' });
      }
      if (!callerOf(req)) return reply.code(400).send({ message: `Header ${INTEGRATION_HEADERS.connectionId} is required.` });
    });
    api.post(INTEGRATION_ROUTES.$connect, async (req, reply) => {
      await handlers.connect(callerOf(req)!);
      return reply.code(200).send({});
    });
    api.post(INTEGRATION_ROUTES.$disconnect, async (req, reply) => {
      await handlers.disconnect(callerOf(req)!);
      return reply.code(200).send({});
    });
    api.post(INTEGRATION_ROUTES.$default, async (req, reply) => {
      const body = (req.body as Buffer | undefined) ?? Buffer.alloc(0);
      const answer = await handlers.message(callerOf(req)!, body, false);
      return answer ? reply.code(200).type('application/json').send(JSON.stringify(answer)) : reply.code(204).send();
    });
  });
}

export default fp(integration, { name: 'integration' });
