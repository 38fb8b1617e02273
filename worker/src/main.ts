/**
 * Runs one worker process: an SQS consumer whose programs run in sandbox child
 * processes that hold no credentials. SIGTERM drains: no new messages, running ones
 * finish, exit 0 (what an Auto Scaling scale-in or a deploy does).
 */
import pino from 'pino';
import { DEFAULT_TIMING } from '@playground/shared/resources';
import { ConfigError, DEFAULT_WORKER_CONCURRENCY, readInt, readStoreConfig } from '@playground/shared/config';
import { SandboxPool } from '@playground/sandbox';
import { Worker } from './worker.ts';
import { DEFAULT_FAIRNESS } from './fairness.ts';

function readOnOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new ConfigError(`${name}=${raw} is neither on nor off.`);
}

async function main(): Promise<void> {
  const env = process.env;
  const log = pino({ level: env.LOG_LEVEL ?? 'info', base: { service: 'worker', pid: process.pid } });
  const managementEndpoint = env.MANAGEMENT_ENDPOINT;
  if (!managementEndpoint) throw new ConfigError('MANAGEMENT_ENDPOINT is not set: the API Gateway management endpoint (locally, the gateway URL).');
  const concurrency = readInt(env, 'WORKER_CONCURRENCY', DEFAULT_WORKER_CONCURRENCY, 1, 64);
  const sandbox = new SandboxPool({ size: concurrency, logger: log, ...(env.SANDBOX_EXEC_PATH ? { execPath: env.SANDBOX_EXEC_PATH } : {}) });
  await sandbox.start();
  const worker = new Worker({
    store: readStoreConfig(env),
    managementEndpoint,
    sandbox,
    concurrency,
    log,
    ...(env.RECEIVE_WAIT_SECONDS ? { receiveWaitSeconds: readInt(env, 'RECEIVE_WAIT_SECONDS', 20, 0, 20) } : {}),
    timing: {
      leaseMs: readInt(env, 'LEASE_MS', DEFAULT_TIMING.leaseMs, 500, 600_000),
      heartbeatMs: readInt(env, 'HEARTBEAT_MS', DEFAULT_TIMING.heartbeatMs, 100, 300_000),
      visibilityTimeoutSeconds: readInt(env, 'VISIBILITY_TIMEOUT_SECONDS', DEFAULT_TIMING.visibilityTimeoutSeconds, 1, 43_200),
    },
    sweepEveryMs: readInt(env, 'SWEEP_EVERY_MS', 30_000, 100, 3_600_000),
    strandedAfterMs: readInt(env, 'STRANDED_AFTER_MS', 60_000, 100, 3_600_000),
    fairness: {
      ...(env.FAIR_MAX_RUNNING_PER_TENANT ? { maxRunningPerTenant: readInt(env, 'FAIR_MAX_RUNNING_PER_TENANT', 1, 1, 100_000) } : {}),
      reservedSlots: readInt(env, 'FAIR_RESERVED_SLOTS', DEFAULT_FAIRNESS.reservedSlots, 0, 64),
      deferSeconds: readInt(env, 'FAIR_DEFER_SECONDS', DEFAULT_FAIRNESS.deferSeconds, 0, 900),
      enabled: readOnOff(env, 'FAIR_SHARE', DEFAULT_FAIRNESS.enabled),
    },
  });
  const stop = (signal: string) => {
    log.info({ signal, inFlight: worker.inFlight }, 'draining');
    worker.close().then(() => {
      log.info('drained');
      process.exit(0);
    }, (err: unknown) => {
      log.error({ err }, 'close failed');
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  // Under the local stack (an IPC channel to it), a Ctrl+C at the terminal reaches every
  // process at once; the stack answers it in order (workers drain, then the gateway
  // goes), so it is the stack's to handle. On its own, SIGINT drains like SIGTERM.
  if (process.send) process.on('SIGINT', () => {});
  else process.once('SIGINT', () => stop('SIGINT'));
  process.once('disconnect', () => stop('parent gone'));
  log.info({ workerId: worker.id, concurrency }, 'worker ready');
  process.send?.({ type: 'ready', workerId: worker.id });
  await worker.run();
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`worker: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
