/**
 * The embedded cloud: dynalite speaks DynamoDB's API (kept on disk under the data
 * folder, so a restart keeps past executions) and fauxqs speaks SQS's (in memory; the
 * recovery sweep re-enqueues what a restart dropped). Each runs in a child process of
 * its own (see emulator-main.ts) and listens on loopback only.
 */
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { startProcess, stopProcess, type LogSink } from './processes.ts';

export interface Emulators {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  /** The emulator processes, for measuring them. */
  processes: { dynamodb: ChildProcess; sqs: ChildProcess };
  close(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./emulator-main.ts', import.meta.url));

export async function startEmulators(opts: { dataDir?: string; log?: LogSink }): Promise<Emulators> {
  const env = { PATH: process.env.PATH ?? '' };
  const [dynamodb, sqs] = await Promise.allSettled([
    startProcess('dynamodb', ENTRY, env, opts.log, 30_000, ['dynamodb', ...(opts.dataDir ? [opts.dataDir] : [])]),
    startProcess('sqs', ENTRY, env, opts.log, 30_000, ['sqs']),
  ]);
  if (dynamodb.status === 'rejected' || sqs.status === 'rejected') {
    for (const started of [dynamodb, sqs]) if (started.status === 'fulfilled') await stopProcess(started.value.child, 'SIGTERM', 5000);
    throw (dynamodb.status === 'rejected' ? dynamodb.reason : (sqs as PromiseRejectedResult).reason) as Error;
  }
  const endpoint = (ready: Record<string, unknown>) => `http://127.0.0.1:${ready.port as number}`;
  return {
    dynamodbEndpoint: endpoint(dynamodb.value.ready),
    sqsEndpoint: endpoint(sqs.value.ready),
    processes: { dynamodb: dynamodb.value.child, sqs: sqs.value.child },
    async close() {
      await Promise.all([stopProcess(sqs.value.child, 'SIGTERM', 5000), stopProcess(dynamodb.value.child, 'SIGTERM', 5000)]);
    },
  };
}
