/** Who may call the local edge's management API, which shares the public port. */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { RateLimits, type Handlers } from '@playground/gateway';
import localEdge, { signedKeyId } from './local-edge.ts';

const signed = (keyId: string) =>
  `AWS4-HMAC-SHA256 Credential=${keyId}/20261202/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`;

let app: FastifyInstance | undefined;
async function edge(accessKeyId?: string): Promise<FastifyInstance> {
  app = Fastify();
  await app.register(localEdge, { handlers: {} as Handlers, limits: new RateLimits(), ...(accessKeyId ? { accessKeyId } : {}) });
  return app;
}
afterEach(() => app?.close());

/** Posts to a connection that does not exist: 410 means the call was let in. */
const post = (a: FastifyInstance, authorization: string | undefined, remoteAddress = '127.0.0.1') =>
  a.inject({ method: 'POST', url: '/@connections/nobody', payload: '{}', remoteAddress, headers: authorization ? { authorization } : {} });

describe('the local edge\'s @connections API', () => {
  it('reads the access key id of a SigV4 signature', () => {
    expect(signedKeyId(signed('LOCALABC'))).toBe('LOCALABC');
    expect(signedKeyId('Bearer x')).toBeUndefined();
    expect(signedKeyId(undefined)).toBeUndefined();
  });

  it('takes calls signed with the configured key id from anywhere, and refuses others', async () => {
    const a = await edge('LOCALSECRET');
    expect((await post(a, signed('LOCALSECRET'), '203.0.113.9')).statusCode).toBe(410);
    const other = await post(a, signed('local'), '127.0.0.1');
    expect(other.statusCode).toBe(403);
    expect(other.headers['x-amzn-errortype']).toBe('ForbiddenException');
    expect((await post(a, signed('LOCALSECRE'))).statusCode).toBe(403);
    expect((await post(a, undefined)).statusCode).toBe(403);
    expect((await a.inject({ method: 'DELETE', url: '/@connections/nobody', remoteAddress: '203.0.113.9', headers: { authorization: signed('x') } })).statusCode).toBe(403);
  });

  it('takes only callers on this machine when no key id is configured', async () => {
    const a = await edge();
    expect((await post(a, signed('anything'), '127.0.0.1')).statusCode).toBe(410);
    expect((await post(a, signed('anything'), '::1')).statusCode).toBe(410);
    expect((await post(a, signed('anything'), '203.0.113.9')).statusCode).toBe(403);
    expect((await post(a, signed('anything'), '192.168.1.20')).statusCode).toBe(403);
    expect((await post(a, undefined, '127.0.0.1')).statusCode).toBe(403);
  });
});
