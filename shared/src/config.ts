/**
 * Configuration from environment variables, read once and checked at start. AWS
 * endpoints are not here: the SDK reads AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL_DYNAMODB
 * itself, so the same code talks to emulators or to AWS.
 */
import { cpus } from 'node:os';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export function requireString(env: Env, name: string, hint: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is not set: ${hint}`);
  return value;
}

export function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${raw} is not a whole number from ${min} to ${max}.`);
  }
  return value;
}

export interface StoreConfig {
  region: string;
  executionsTable: string;
  outputsTable: string;
  connectionsTable: string;
  snippetsTable: string;
  tenantsTable: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
}

export function readStoreConfig(env: Env = process.env): StoreConfig {
  return {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    executionsTable: requireString(env, 'EXECUTIONS_TABLE', 'name of the DynamoDB executions table.'),
    outputsTable: requireString(env, 'OUTPUTS_TABLE', 'name of the DynamoDB outputs table.'),
    connectionsTable: requireString(env, 'CONNECTIONS_TABLE', 'name of the DynamoDB connections table.'),
    snippetsTable: requireString(env, 'SNIPPETS_TABLE', 'name of the DynamoDB snippets table.'),
    tenantsTable: requireString(env, 'TENANTS_TABLE', 'name of the DynamoDB tenants table (fair share and sandbox-time budgets).'),
    queueUrl: requireString(env, 'QUEUE_URL', 'URL of the SQS executions queue.'),
    deadLetterQueueUrl: requireString(env, 'DLQ_URL', 'URL of the SQS dead-letter queue.'),
  };
}

export const defaultWorkerCount = (): number => Math.max(1, cpus().length);

/** Executions one worker runs at once (one sandbox process each), unless configured. */
export const DEFAULT_WORKER_CONCURRENCY = 4;
