/**
 * `npm start`: the whole playground on this machine. Progress goes to the terminal,
 * then one "ready at" line; Ctrl+C stops everything (workers drain first).
 *
 *   npm start                  data kept in .data/ across restarts
 *   npm start -- --fresh       start with empty tables
 *   PORT=8081 WORKERS=4 npm start   a fixed fleet of 4 workers
 *
 * Without WORKERS, workers scale on the queue's backlog between 1 and WORKERS_MAX
 * (default: CPU count, at least 2), with the policy the cloud uses.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError, DEFAULT_WORKER_CONCURRENCY, defaultWorkerCount, readInt } from '@playground/shared/config';
import { DEFAULT_WEB_ROOT, PortInUseError, startLocalStack } from './stack.ts';

const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../.data/dynamodb', import.meta.url));

/**
 * The variables the gateway and workers document (README, "Configuration") that
 * `npm start` hands to them as they are set: limits, lease timing, the sweep, logging.
 */
export const PASSED_THROUGH = [
  'LOG_LEVEL', 'PUBLIC_SOCKET_URL', 'IDLE_TIMEOUT_MS',
  'RUNS_PER_SECOND_PER_SOCKET', 'RUN_BURST_PER_SOCKET', 'RUNS_PER_SECOND_PER_ADDRESS', 'RUN_BURST_PER_ADDRESS',
  'ACTIVE_RUNS_PER_SOCKET', 'CONNECTIONS_PER_ADDRESS', 'SHARES_PER_MINUTE_PER_SOCKET',
  'LEASE_MS', 'HEARTBEAT_MS', 'VISIBILITY_TIMEOUT_SECONDS', 'SWEEP_EVERY_MS', 'STRANDED_AFTER_MS', 'RECEIVE_WAIT_SECONDS',
] as const;

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  if (args.has('--help') || args.has('-h')) {
    console.log(`Usage: npm start [-- --fresh]\n\nEnvironment: PORT (8080), HOST (127.0.0.1), WORKERS (unset: autoscale), WORKERS_MAX (CPU count, at least 2), WORKER_CONCURRENCY (4), LOG_LEVEL (info), DATA_DIR (.data/dynamodb);\npassed to the gateway and workers as set: ${PASSED_THROUGH.join(', ')} (README, "Configuration").`);
    return;
  }
  const env = process.env;
  const port = readInt(env, 'PORT', 8080, 0, 65535);
  // WORKERS pins the fleet; without it the autoscaler sizes it from the backlog.
  const pinned = env.WORKERS ? readInt(env, 'WORKERS', defaultWorkerCount(), 1, 64) : undefined;
  const maxWorkers = readInt(env, 'WORKERS_MAX', Math.max(2, defaultWorkerCount()), 1, 64);
  const started = performance.now();
  const step = (text: string) => console.log(`[start] ${text}`);
  if (!existsSync(`${DEFAULT_WEB_ROOT}/index.html`)) {
    // A fresh clone has no static build yet; make one once (later starts reuse it).
    step('building the web app (first start only; about 20 s)');
    const build = spawnSync('npm', ['run', 'build:web'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (build.status !== 0) step('the web build failed (see above); the socket works, the page will not');
  }
  const stack = await startLocalStack({
    port,
    host: env.HOST ?? '127.0.0.1',
    // A pinned fleet is kept at its size; an autoscaled one is kept within its bounds.
    ...(pinned ? { workers: pinned, replaceCrashedWorkers: true } : { autoscale: { min: 1, max: maxWorkers } }),
    ...(env.WORKER_CONCURRENCY ? { workerConcurrency: readInt(env, 'WORKER_CONCURRENCY', DEFAULT_WORKER_CONCURRENCY, 1, 64) } : {}),
    dataDir: env.DATA_DIR || DEFAULT_DATA_DIR,
    fresh: args.has('--fresh'),
    env: { LOG_LEVEL: 'info', ...Object.fromEntries(PASSED_THROUGH.flatMap((name) => (env[name] ? [[name, env[name]]] : []))) },
    log: (line) => console.log(line),
    progress: step,
  });
  // On loopback, say localhost: the name people type (and the one the protocol documents).
  const shown = stack.url.replace('://127.0.0.1:', '://localhost:');
  step(`ready at ${shown} (in ${Math.round(performance.now() - started)} ms; socket ${shown.replace(/^http/, 'ws')}/ws)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    step(`${signal}: stopping workers (they finish what they run), the gateway and the emulators`);
    await stack.close();
    step('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof PortInUseError || err instanceof ConfigError) {
    console.error(`[start] ${err.message}`);
    process.exit(2);
  }
  console.error('[start] failed:', err);
  process.exit(1);
});
