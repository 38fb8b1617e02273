/**
 * The whole playground on one machine: emulators, tables and queues from the shared
 * definitions, one gateway process (local edge + web app) and worker processes. Tests
 * start it on free ports; `npm start` starts it on PORT.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startFaultProxy, type FaultKind, type FaultedService, type FaultProxy } from './fault-proxy.ts';
import type { ChildProcess } from 'node:child_process';
import type { Timing } from '@playground/shared/resources';
import { DEFAULT_WORKER_CONCURRENCY, type StoreConfig } from '@playground/shared/config';
import { startEmulators, type Emulators } from './emulators.ts';
import { provision } from './provision.ts';
import { ENTRY, formatLogLine, startProcess, stopProcess, type LogSink } from './processes.ts';
import { Autoscaler, type AutoscaleOptions } from './autoscaler.ts';

export interface LocalStackOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Worker processes to start. */
  workers?: number;
  workerConcurrency?: number;
  /** Where DynamoDB keeps its data; absent, it lives in memory. */
  dataDir?: string;
  /** Empty the data folder first. */
  fresh?: boolean;
  webRoot?: string;
  /** Extra environment for the gateway and workers (limits, log level). */
  env?: Record<string, string>;
  /** Where service logs go; absent, they are dropped. */
  log?: LogSink;
  /** Progress of the start, for a person at a terminal. */
  progress?: (step: string) => void;
  /** Shorter leases and visibility, for tests of failure and takeover. */
  timing?: Partial<Timing>;
  /** Enables the gateway's integration routes (as API Gateway would call them). */
  integrationSecret?: string;
  /** Start a new worker when one exits without being asked to (a crash). */
  replaceCrashedWorkers?: boolean;
  /**
   * Scale worker processes on the queue's backlog (the cloud's policy, run locally).
   * `workers` is then the starting count (default `min`).
   */
  autoscale?: AutoscaleOptions;
  /**
   * Put a fault-injecting proxy in front of DynamoDB, SQS and the management endpoint
   * for the gateway and workers (see fault-proxy.ts); `stack.faults` sets the rate.
   */
  faults?: { rate?: number; kinds?: readonly FaultKind[] };
}

export interface LocalStack {
  url: string;
  socketUrl: string;
  port: number;
  store: StoreConfig;
  emulators: Emulators;
  /** The environment the services run with (endpoints, tables, credentials). */
  env: Record<string, string>;
  gateway: ChildProcess;
  workers: Set<ChildProcess>;
  addWorker(): Promise<ChildProcess>;
  /** SIGTERM drains; SIGKILL is a crash. Resolves with the exit code. */
  stopWorker(worker: ChildProcess, signal?: NodeJS.Signals): Promise<number | null>;
  restartGateway(): Promise<void>;
  /** Present when started with `autoscale`; closed by `close()`. */
  autoscaler?: Autoscaler<ChildProcess>;
  /** Present when started with `faults`: one proxy per endpoint the services call. */
  faults?: Record<FaultedService, FaultProxy>;
  close(): Promise<void>;
}

/**
 * Environment for a stack whose one client address stands for many users (benches,
 * load and soak runs from loopback): the sandbox-time budgets and the fair-share rule
 * are per address, so they are lifted; the frame rate limits are lifted separately.
 */
export const CROWD_FROM_ONE_ADDRESS: Record<string, string> = {
  SANDBOX_MS_PER_MINUTE_PER_ADDRESS: '1000000000', SANDBOX_MS_PER_MINUTE_PER_SOCKET: '1000000000',
  FAIR_SHARE: 'off',
};

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/build', import.meta.url));

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

async function freePort(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE'
        ? new PortInUseError(`Port ${port} on ${host} is already in use. Stop what listens there, or start with another port: PORT=8081 npm start`)
        : err);
    });
    server.listen(port, host, () => {
      const { port: chosen } = server.address() as { port: number };
      server.close(() => resolve(chosen));
    });
  });
}

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const host = opts.host ?? '127.0.0.1';
  const progress = opts.progress ?? (() => {});
  const port = await freePort(host, opts.port ?? 0);
  if (opts.fresh && opts.dataDir) rmSync(opts.dataDir, { recursive: true, force: true });

  progress('starting DynamoDB (dynalite) and SQS (fauxqs)');
  const emulators = await startEmulators({ ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), ...(opts.log ? { log: opts.log } : {}) });
  // Made up at each start: the emulators take any, and the local edge's @connections API
  // takes only this key id, which only the stack's own processes are given.
  const credentials = { accessKeyId: `LOCAL${randomBytes(10).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(20).toString('hex') };
  const region = 'us-east-1';
  let gateway: ChildProcess | undefined;
  let faults: Record<FaultedService, FaultProxy> | undefined;
  const workers = new Set<ChildProcess>();
  try {
    progress('creating tables and queues from shared/ definitions');
    const store = await provision({
      ...emulators, region, credentials,
      ...(opts.timing?.visibilityTimeoutSeconds ? { visibilityTimeoutSeconds: opts.timing.visibilityTimeoutSeconds } : {}),
    });
    const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    if (opts.faults) {
      const start = (service: FaultedService, target: string) => startFaultProxy({ service, target, ...opts.faults });
      faults = { dynamodb: await start('dynamodb', emulators.dynamodbEndpoint), sqs: await start('sqs', emulators.sqsEndpoint), management: await start('management', url) };
    }
    // The services reach each endpoint through its proxy when there is one; queue URLs too,
    // since the SDK sends SQS calls to the queue URL's host.
    const via = (service: FaultedService, endpoint: string) => faults?.[service].url ?? endpoint;
    const sqsVia = (queueUrl: string) => queueUrl.replace(emulators.sqsEndpoint, via('sqs', emulators.sqsEndpoint));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      LOG_LEVEL: 'info',
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: via('dynamodb', emulators.dynamodbEndpoint),
      AWS_ENDPOINT_URL_SQS: via('sqs', emulators.sqsEndpoint),
      EXECUTIONS_TABLE: store.executionsTable,
      OUTPUTS_TABLE: store.outputsTable,
      CONNECTIONS_TABLE: store.connectionsTable,
      SNIPPETS_TABLE: store.snippetsTable,
      TENANTS_TABLE: store.tenantsTable,
      QUEUE_URL: sqsVia(store.queueUrl),
      DLQ_URL: sqsVia(store.deadLetterQueueUrl),
      MANAGEMENT_ENDPOINT: via('management', url),
      ...(opts.env ?? {}),
    };
    const gatewayEnv: Record<string, string> = {
      ...env,
      PORT: String(port),
      HOST: host,
      LOCAL_EDGE_ACCESS_KEY_ID: credentials.accessKeyId,
      WEB_ROOT: opts.webRoot ?? DEFAULT_WEB_ROOT,
      ...(opts.integrationSecret ? { INTEGRATION_SECRET: opts.integrationSecret } : {}),
    };
    const workerEnv: Record<string, string> = {
      ...env,
      ...(opts.workerConcurrency ? { WORKER_CONCURRENCY: String(opts.workerConcurrency) } : {}),
      ...(opts.timing?.leaseMs ? { LEASE_MS: String(opts.timing.leaseMs) } : {}),
      ...(opts.timing?.heartbeatMs ? { HEARTBEAT_MS: String(opts.timing.heartbeatMs) } : {}),
      ...(opts.timing?.visibilityTimeoutSeconds ? { VISIBILITY_TIMEOUT_SECONDS: String(opts.timing.visibilityTimeoutSeconds) } : {}),
    };

    const startGateway = async () => {
      progress(`starting the gateway on ${url}`);
      gateway = (await startProcess('gateway', ENTRY.gateway, gatewayEnv, opts.log)).child;
    };
    await startGateway();

    // Workers stopped on purpose (drain, a test's kill) are not replaced; others are.
    const stopping = new WeakSet<ChildProcess>();
    let closing: Promise<void> | undefined;
    const stopWorker = (worker: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') => {
      stopping.add(worker);
      return stopProcess(worker, signal);
    };
    const addWorker = async (): Promise<ChildProcess> => {
      const { child } = await startProcess(`worker`, ENTRY.worker, workerEnv, opts.log);
      workers.add(child);
      child.once('exit', (code, signal) => {
        workers.delete(child);
        if (opts.replaceCrashedWorkers && !closing && !stopping.has(child)) {
          progress(`a worker exited on its own (code ${code}, signal ${signal}); starting another`);
          addWorker().catch((err: unknown) => progress(`could not replace the worker: ${(err as Error).message}`));
        }
      });
      return child;
    };
    const count = opts.workers ?? opts.autoscale?.min ?? 1;
    progress(`starting ${count} worker process${count === 1 ? '' : 'es'}`);
    await Promise.all(Array.from({ length: count }, addWorker));

    let autoscaler: Autoscaler<ChildProcess> | undefined;
    if (opts.autoscale) {
      autoscaler = new Autoscaler<ChildProcess>({
        ...opts.autoscale,
        fleet: { workers: () => workers, add: addWorker, drain: (w) => stopWorker(w, 'SIGTERM') },
        concurrencyPerWorker: opts.workerConcurrency ?? DEFAULT_WORKER_CONCURRENCY,
        queueUrl: store.queueUrl,
        sqsEndpoint: emulators.sqsEndpoint,
        region,
        credentials,
        log: ({ level, msg, ...fields }) => opts.log?.(formatLogLine('autoscaler', JSON.stringify({ level: { info: 30, warn: 40, error: 50 }[level], msg, ...fields }))),
      });
      progress(`autoscaling workers between ${autoscaler.policy.minWorkers} and ${autoscaler.policy.maxWorkers} on the queue's backlog`);
      void autoscaler.run();
    }

    return {
      url,
      socketUrl: `${url.replace(/^http/, 'ws')}/ws`,
      port,
      store,
      emulators,
      env,
      get gateway() {
        return gateway!;
      },
      workers,
      addWorker,
      ...(autoscaler ? { autoscaler } : {}),
      ...(faults ? { faults } : {}),
      stopWorker,
      async restartGateway() {
        await stopProcess(gateway!, 'SIGTERM');
        await startGateway();
      },
      close() {
        closing ??= (async () => {
          // First, so that it does not start a worker while the others stop.
          await autoscaler?.close();
          await Promise.all([...workers].map((w) => stopProcess(w, 'SIGTERM')));
          if (gateway) await stopProcess(gateway, 'SIGTERM');
          await Promise.all(Object.values(faults ?? {}).map((f) => f.close()));
          await emulators.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await Promise.all([...workers].map((w) => stopProcess(w, 'SIGKILL')));
    if (gateway) await stopProcess(gateway, 'SIGKILL');
    await Promise.all(Object.values(faults ?? {}).map((f) => f.close()));
    await emulators.close();
    throw err;
  }
}
