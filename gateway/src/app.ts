/**
 * Builds the gateway: the handlers behind API Gateway's routes, reached through the
 * cloud's HTTP integration or, locally, through an edge that serves the sockets in this
 * process (`@playground/local`'s stand-in for API Gateway), plus the web app's static
 * files, `/config.json` and `/healthz`. `main.ts` only listens.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { dynamoDocumentClient, sqsClient } from '@playground/shared/aws-clients';
import type { StoreConfig } from '@playground/shared/config';
import { ExecutionStore } from '@playground/shared/executions';
import { Delivery } from '@playground/shared/delivery';
import { createHandlers, type Handlers } from './handlers.ts';
import { SnippetStore } from './snippets.ts';
import { ConnectionStore } from '@playground/shared/connections';
import { RateLimits, type RateLimitOptions } from './rate-limits.ts';
import { Budgets, type BudgetOptions } from './budgets.ts';
import { TenantStore } from '@playground/shared/tenants';
import integration from './integration.ts';

/** What the gateway hands an edge that serves its sockets: the route handlers and the per-socket limits. */
export interface EdgeParts {
  handlers: Handlers;
  limits: RateLimits;
}

/**
 * Serves the WebSockets and the `@connections` API in the gateway's own process, as
 * API Gateway does in front of it in the cloud. The gateway holds no such code: the
 * local stack brings its emulator (`localEdgeFor` in `@playground/local`).
 */
export type GatewayEdge = (app: FastifyInstance, parts: EdgeParts) => Promise<void>;

export interface GatewayOptions {
  store: StoreConfig;
  /** API Gateway's management endpoint (locally: this gateway's own URL). */
  managementEndpoint: string;
  /** Serve the sockets and the @connections API here (local); absent behind API Gateway. */
  edge?: GatewayEdge;
  /** Enables the integration routes API Gateway calls; absent, they do not exist. Several during a rotation. */
  integrationSecret?: string | ReadonlyArray<string>;
  /** Folder of the web app's static build; skipped if it does not exist. */
  webRoot?: string;
  /** Socket URL the web app is told in /config.json; default: this host's /ws. */
  publicSocketUrl?: string;
  rateLimits?: Partial<RateLimitOptions>;
  budgets?: Partial<BudgetOptions>;
  logger?: FastifyServerOptions['logger'];
}

declare module 'fastify' {
  interface FastifyInstance {
    handlers: Handlers;
    /** Set while draining: /healthz fails so load balancers stop sending new sockets. */
    draining: boolean;
  }
}

export async function buildGateway(opts: GatewayOptions): Promise<FastifyInstance> {
  // Per-request lines would log every management-API post; handlers log what matters.
  const app = Fastify({ logger: opts.logger ?? false, trustProxy: false, logController: new LogController({ disableRequestLogging: true }) });
  const region = opts.store.region;
  // Endpoints come from AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SQS when set.
  const dynamo = dynamoDocumentClient(region);
  const sqs = sqsClient(region);
  const delivery = new Delivery(opts.managementEndpoint, region);
  const limits = new RateLimits(opts.rateLimits);
  const tenants = new TenantStore(dynamo, opts.store.tenantsTable);
  const budgets = new Budgets(opts.budgets ?? {}, (tenant, gateway, connectionId) => tenants.settlements(tenant, gateway, connectionId));
  const handlers = createHandlers({
    executions: new ExecutionStore(dynamo, opts.store.executionsTable, opts.store.outputsTable),
    connections: new ConnectionStore(dynamo, opts.store.connectionsTable),
    snippets: new SnippetStore(dynamo, opts.store.snippetsTable),
    sqs,
    queueUrl: opts.store.queueUrl,
    delivery,
    limits,
    budgets,
    log: app.log as never,
  });
  app.decorate('handlers', handlers);
  app.decorate('draining', false);

  app.get('/healthz', async (_req, reply) => {
    if (app.draining) return reply.code(503).send({ status: 'draining' });
    // Behind API Gateway every call needs the secret: without one this gateway can only
    // answer 404, so it must not count as healthy.
    if (!opts.edge && !opts.integrationSecret) return reply.code(503).send({ status: 'no integration secret' });
    return { status: 'ok' };
  });

  if (opts.edge) await opts.edge(app, { handlers, limits });
  if (opts.integrationSecret) await app.register(integration, { handlers, secret: opts.integrationSecret });

  app.get('/config.json', async (req) => {
    const proto = req.protocol === 'https' ? 'wss' : 'ws';
    return { socketUrl: opts.publicSocketUrl ?? `${proto}://${req.headers.host ?? 'localhost'}/ws` };
  });

  if (opts.webRoot && existsSync(opts.webRoot)) {
    await app.register(fastifyStatic, { root: opts.webRoot, wildcard: false, cacheControl: false });
    // Client-side routes (share links) fall back to the app's shell, as the static adapter intends.
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/@connections') && !req.url.startsWith('/integration')) {
        return reply.type('text/html').sendFile('index.html');
      }
      return reply.code(404).send({ message: `No route ${req.method} ${req.url}` });
    });
  }

  app.addHook('onClose', async () => {
    delivery.destroy();
    sqs.destroy();
    dynamo.destroy();
  });
  return app;
}
