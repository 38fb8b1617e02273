/**
 * Test-only: records every AWS SDK call a service makes. Loaded into the gateway and
 * worker processes with `NODE_OPTIONS=--import <this file>` when RECORD_AWS_CALLS names
 * a file; each call appends one JSON line (which service, which client and command, and
 * the inputs that decide the IAM resource). Nothing changes in the services themselves,
 * and without the variable this file does nothing. Sandbox processes start with an
 * empty environment, so they never load it.
 *
 * infra/iam-follows-code.test.ts checks each recorded call against the policies the
 * Pulumi program gives the instance roles.
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as esm from '@smithy/core/client';

export interface RecordedCall {
  role: 'gateway' | 'worker' | 'other';
  client: string;
  command: string;
  input: { TableName?: string; IndexName?: string; QueueUrl?: string; ConnectionId?: string; Tables?: string[] };
}

const file = process.env.RECORD_AWS_CALLS;
if (file) {
  const entry = process.argv[1] ?? '';
  // The local stack starts the gateway through local/src/gateway-main.ts: the same code and role.
  const gateway = /(gateway[\\/]src[\\/]main|local[\\/]src[\\/]gateway-main)\.ts$/;
  const role: RecordedCall['role'] = gateway.test(entry) ? 'gateway' : /worker[\\/]src[\\/]main\.ts$/.test(entry) ? 'worker' : 'other';
  // The SDK may be loaded as ES modules or CommonJS; patch whichever Client class it uses.
  const cjs = createRequire(import.meta.url)('@smithy/core/client') as typeof esm;
  for (const Client of new Set([esm.Client, cjs.Client])) {
    const send = Client.prototype.send as (...args: unknown[]) => unknown;
    Client.prototype.send = function (this: object, command: { input?: Record<string, any> }, ...rest: unknown[]) {
      const input = command?.input ?? {};
      // Batch and transaction calls name their tables inside the request.
      const tables = [
        ...Object.keys(input.RequestItems ?? {}),
        ...(input.TransactItems ?? []).map((t: Record<string, { TableName?: string }>) => Object.values(t)[0]?.TableName).filter(Boolean),
      ];
      const call: RecordedCall = {
        role,
        client: this.constructor.name,
        command: command?.constructor?.name ?? 'unknown',
        input: {
          ...(input.TableName ? { TableName: input.TableName } : {}),
          ...(input.IndexName ? { IndexName: input.IndexName } : {}),
          ...(input.QueueUrl ? { QueueUrl: input.QueueUrl } : {}),
          ...(input.ConnectionId ? { ConnectionId: input.ConnectionId } : {}),
          ...(tables.length ? { Tables: tables } : {}),
        },
      };
      appendFileSync(file, `${JSON.stringify(call)}\n`);
      return send.call(this, command, ...rest);
    } as typeof Client.prototype.send;
  }
}
