/**
 * The embedded cloud: dynalite speaks DynamoDB's API (kept on disk under the data
 * folder, so a restart keeps past executions) and fauxqs speaks SQS's (in memory; the
 * recovery sweep re-enqueues what a restart dropped). Both listen on loopback only.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { startFauxqs } from 'fauxqs';

export interface Emulators {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  close(): Promise<void>;
}

export async function startEmulators(opts: { dataDir?: string }): Promise<Emulators> {
  const dbOptions: Record<string, unknown> = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    dbOptions.path = opts.dataDir;
  }
  const db = dynalite(dbOptions) as Server;
  await new Promise<void>((resolve, reject) => {
    db.once('error', reject);
    db.listen(0, '127.0.0.1', () => resolve());
  });
  const sqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  return {
    dynamodbEndpoint: `http://127.0.0.1:${(db.address() as AddressInfo).port}`,
    sqsEndpoint: `http://127.0.0.1:${sqs.port}`,
    async close() {
      await sqs.stop();
      db.closeAllConnections?.();
      await new Promise<void>((resolve) => db.close(() => resolve()));
    },
  };
}
