/**
 * One emulator in a process of its own: `dynamodb [dataDir]` runs dynalite, `sqs` runs
 * fauxqs. Apart, each has an event loop to itself: a run's row write, its count query
 * and its queue message are served side by side instead of one after another, and
 * neither waits behind the stack's own work. Reports `{ type: 'ready', port }` over IPC.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { startFauxqs } from 'fauxqs';

const [kind, dataDir] = process.argv.slice(2);

async function start(): Promise<{ port: number; close: () => Promise<void> }> {
  if (kind === 'dynamodb') {
    const options: Record<string, unknown> = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      options.path = dataDir;
    }
    const db = dynalite(options) as Server;
    await new Promise<void>((resolve, reject) => {
      db.once('error', reject);
      db.listen(0, '127.0.0.1', () => resolve());
    });
    return {
      port: (db.address() as AddressInfo).port,
      close: () => new Promise<void>((resolve) => {
        db.closeAllConnections?.();
        db.close(() => resolve());
      }),
    };
  }
  if (kind === 'sqs') {
    const sqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
    return { port: sqs.port, close: () => sqs.stop() };
  }
  throw new Error(`Unknown emulator "${kind}": expected dynamodb or sqs.`);
}

const emulator = await start();
let closing: Promise<void> | undefined;
const stop = () => {
  closing ??= emulator.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
// Ctrl+C at a terminal reaches the whole process group at once; the stack stops the
// emulators itself, last, once the workers have finished what they run.
process.on('SIGINT', () => {});
// The stack that started it is gone (even by SIGKILL): nothing else would stop it.
process.on('disconnect', stop);
process.send?.({ type: 'ready', port: emulator.port });
