/**
 * Runs one gateway process. Configuration comes from the environment (README,
 * "Configuration"); SIGTERM drains: /healthz fails, no new sockets, then close.
 * Started as a file it runs behind API Gateway; the local stack starts it through
 * `runGateway` with its emulated edge instead (local/src/gateway-main.ts).
 */
import { readInt, readStoreConfig, ConfigError } from '@playground/shared/config';
import { buildGateway, type GatewayEdge } from './app.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitOptions } from './rate-limits.ts';
import { DEFAULT_BUDGETS, type BudgetOptions } from './budgets.ts';

const RATE_LIMIT_VARIABLES: Record<string, keyof RateLimitOptions> = {
  RUNS_PER_SECOND_PER_SOCKET: 'runsPerSecondPerSocket',
  RUN_BURST_PER_SOCKET: 'runBurstPerSocket',
  RUNS_PER_SECOND_PER_ADDRESS: 'runsPerSecondPerAddress',
  RUN_BURST_PER_ADDRESS: 'runBurstPerAddress',
  SHARES_PER_MINUTE_PER_SOCKET: 'sharesPerMinutePerSocket',
  CONNECTIONS_PER_ADDRESS: 'connectionsPerAddress',
  ACTIVE_RUNS_PER_SOCKET: 'activeRunsPerSocket',
};

function readRateLimits(env: NodeJS.ProcessEnv): Partial<RateLimitOptions> {
  const out: Partial<RateLimitOptions> = {};
  for (const [name, key] of Object.entries(RATE_LIMIT_VARIABLES)) {
    if (env[name]) out[key] = readInt(env, name, DEFAULT_RATE_LIMITS[key], 1, 1_000_000);
  }
  return out;
}

const BUDGET_VARIABLES: Record<string, keyof BudgetOptions> = {
  SANDBOX_MS_PER_MINUTE_PER_ADDRESS: 'sandboxMsPerMinutePerAddress',
  SANDBOX_MS_PER_MINUTE_PER_SOCKET: 'sandboxMsPerMinutePerSocket',
};

function readBudgets(env: NodeJS.ProcessEnv): Partial<BudgetOptions> {
  const out: Partial<BudgetOptions> = {};
  for (const [name, key] of Object.entries(BUDGET_VARIABLES)) {
    if (env[name]) out[key] = readInt(env, name, DEFAULT_BUDGETS[key], 100, 1_000_000_000);
  }
  return out;
}

async function main(edgeFrom?: (env: NodeJS.ProcessEnv) => GatewayEdge): Promise<void> {
  const env = process.env;
  const port = readInt(env, 'PORT', 8080, 0, 65535);
  const host = env.HOST ?? '127.0.0.1';
  // An edge reads its own variables, so that a bad one stops the process as any other does.
  const edge = edgeFrom?.(env);
  const managementEndpoint = env.MANAGEMENT_ENDPOINT ?? (edge ? `http://127.0.0.1:${port}` : undefined);
  if (!managementEndpoint) throw new ConfigError('MANAGEMENT_ENDPOINT is not set: the API Gateway management endpoint, https://{api-id}.execute-api.{region}.amazonaws.com/{stage}.');
  const app = await buildGateway({
    store: readStoreConfig(env),
    managementEndpoint,
    ...(edge ? { edge } : {}),
    // Comma-separated during a rotation: the old and the new secret (docs/operations.md).
    ...(env.INTEGRATION_SECRET ? { integrationSecret: env.INTEGRATION_SECRET.split(',') } : {}),
    ...(env.WEB_ROOT ? { webRoot: env.WEB_ROOT } : {}),
    ...(env.PUBLIC_SOCKET_URL ? { publicSocketUrl: env.PUBLIC_SOCKET_URL } : {}),
    rateLimits: readRateLimits(env),
    budgets: readBudgets(env),
    logger: { level: env.LOG_LEVEL ?? 'info', base: { service: 'gateway', pid: process.pid } },
  });
  let closing: Promise<void> | undefined;
  const close = (signal: string) => {
    closing ??= (async () => {
      app.log.info({ signal }, 'draining');
      app.draining = true;
      await app.close();
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => close('SIGTERM'));
  // Under the local stack, Ctrl+C is the stack's to answer: it stops the gateway after
  // the workers have delivered what they were running (see worker/src/main.ts).
  process.on('SIGINT', () => (process.send ? undefined : close('SIGINT')));
  process.on('disconnect', () => close('parent gone'));
  try {
    await app.listen({ port, host });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      app.log.fatal(`Port ${port} on ${host} is already in use. Stop what listens there, or set PORT to another port.`);
      process.exit(2);
    }
    throw err;
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  app.log.info({ port: boundPort }, 'gateway listening');
  process.send?.({ type: 'ready', port: boundPort });
}

/**
 * Runs this process as a gateway until it is told to stop; a bad configuration exits 2.
 * `edgeFrom`, given the environment, makes the edge that serves the sockets here.
 */
export function runGateway(edgeFrom?: (env: NodeJS.ProcessEnv) => GatewayEdge): void {
  main(edgeFrom).catch((err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(`gateway: ${err.message}`);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  });
}

if (import.meta.main) runGateway();
