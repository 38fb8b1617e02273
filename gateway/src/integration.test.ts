/**
 * The integration door's secret, and what /healthz says about it: a rotation accepts
 * the old and the new secret at once, and a gateway behind API Gateway without any
 * secret is unhealthy (it could only answer 404).
 */
import { describe, expect, test } from 'vitest';
import Fastify from 'fastify';
import type { StoreConfig } from '@playground/shared/config';
import { buildGateway, type GatewayEdge } from './app.ts';
import integration, { INTEGRATION_HEADERS } from './integration.ts';
import type { Handlers } from './handlers.ts';

const OLD = 'old-secret-0123456789';
const NEW = 'new-secret-9876543210';
const handlers: Handlers = { connect: async () => {}, disconnect: async () => {}, message: async () => undefined };

async function door(secret: string | string[]) {
  const app = Fastify();
  await app.register(integration, { handlers, secret });
  const call = async (given: string) => (await app.inject({
    method: 'POST', url: '/integration/connect',
    headers: { [INTEGRATION_HEADERS.secret]: given, [INTEGRATION_HEADERS.connectionId]: 'c1' },
  })).statusCode;
  return { app, call };
}

describe('the integration secret', () => {
  test('during a rotation the gateway accepts both the old and the new secret, and nothing else', async () => {
    const { app, call } = await door([OLD, NEW]);
    expect([await call(OLD), await call(NEW), await call('wrong-secret-000000000')]).toEqual([200, 200, 403]);
    await app.close();
  });

  test('one secret accepts only itself', async () => {
    const { app, call } = await door(OLD);
    expect([await call(OLD), await call(NEW)]).toEqual([200, 403]);
    await app.close();
  });

  test('a short secret among several is refused at start', async () => {
    await expect(door([OLD, 'short'])).rejects.toThrow(/at least 16/);
  });
});

describe('/healthz', () => {
  const store = { region: 'eu-west-1', executionsTable: 'e', connectionsTable: 'c', snippetsTable: 's', queueUrl: 'https://sqs.example/q', deadLetterQueueUrl: 'https://sqs.example/d' } as StoreConfig;
  const health = async (opts: { edge?: GatewayEdge; integrationSecret?: string }) => {
    const app = await buildGateway({ store, managementEndpoint: 'https://abc.execute-api.eu-west-1.amazonaws.com/live', ...opts });
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    await app.close();
    return res.statusCode;
  };

  test('a gateway behind API Gateway without its secret is unhealthy', async () => {
    expect(await health({})).toBe(503);
    expect(await health({ integrationSecret: OLD })).toBe(200);
  });

  test('a gateway that serves its own sockets (the local edge) needs no secret', async () => {
    expect(await health({ edge: async () => {} })).toBe(200);
  });
});
