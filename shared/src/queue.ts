/**
 * What travels on the executions queue: the execution's id and everything a worker needs
 * to run it. The gateway writes the row and sends the message side by side, so a worker
 * may claim before the row exists; its claim then creates the row from the message
 * (see ExecutionStore.claim). The table stays the one source of truth once the row
 * exists: it carries the current connection after a `resume`, the cancel flag, the seq.
 */
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Language } from './protocol.ts';
import type { ExecutionItem } from './executions.ts';

/** The fields of an execution row that the gateway fixes when it accepts a run. */
export type QueuedRun = Pick<ExecutionItem, 'tokenHash' | 'connectionId' | 'language' | 'code' | 'stdin' | 'timeoutMs' | 'memoryMb' | 'createdAt' | 'tenant' | 'charge'>;

export interface QueueMessage {
  executionId: string;
  /** Epoch ms when the gateway enqueued it: the start of `queuedMs`. */
  enqueuedAt: number;
  /** Absent in messages from before it was added: the claim then needs the row to exist. */
  run?: QueuedRun;
}

/**
 * UTF-16 units JSON.stringify leaves raw that a queue may refuse: surrogates (every
 * character above U+FFFF, which the local emulator refuses although SQS takes it) and
 * U+FFFE/U+FFFF (which SQS itself refuses). Controls and lone surrogates JSON already escapes.
 */
const UNSAFE_FOR_SQS = /[\uD800-\uDFFF\uFFFE\uFFFF]/g;

/**
 * The body as JSON in which every character a queue might refuse is a `\uXXXX` escape,
 * so any string the protocol accepts reaches the worker unchanged. Only those few
 * characters grow (6 bytes per UTF-16 unit): 64 KiB of emoji in code and stdin each stay
 * far under SQS's 1 MiB.
 */
export function encodeQueueMessage(message: QueueMessage): string {
  return JSON.stringify(message).replace(UNSAFE_FOR_SQS, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The queue message for an execution row, as the gateway and the recovery sweep send it. */
export function queueMessageFor(item: Pick<ExecutionItem, 'executionId' | 'createdAt' | 'ownerConnectionId'> & QueuedRun): QueueMessage {
  const { executionId, createdAt, ownerConnectionId, tokenHash, language, code, stdin, timeoutMs, memoryMb, tenant, charge } = item;
  // The owner, not the current connection: a row created from this message starts as the gateway's did.
  return {
    executionId, enqueuedAt: createdAt,
    run: { tokenHash, connectionId: ownerConnectionId, language, code, stdin, timeoutMs, memoryMb, createdAt, ...(tenant ? { tenant } : {}), ...(charge ? { charge } : {}) },
  };
}

/**
 * The SQS fair-queue group of a run: its tenant. On a standard queue with fair queues,
 * SQS keeps one group's backlog from delaying the others' messages; our own share rule
 * (worker/src/fairness.ts) does the same where that is not available.
 */
export const messageGroupOf = (run: Pick<QueuedRun, 'tenant'> | undefined): string | undefined => run?.tenant;

/**
 * The message's schemas, checked when a worker decodes it (compiled once). The run is
 * checked on its own: a message whose run is malformed still names its execution, and
 * the claim then works from the row alone. Tenant and charge are optional: messages
 * from before them run without fairness or settlement, and a malformed charge is dropped.
 */
export const QueueMessageSchema = Type.Object({
  executionId: Type.String({ minLength: 1 }),
  enqueuedAt: Type.Number(),
  run: Type.Optional(Type.Unknown()),
});
export const ChargeSchema = Type.Object({ gateway: Type.String(), ms: Type.Number() });
export const QueuedRunSchema = Type.Object({
  tokenHash: Type.String(),
  connectionId: Type.String(),
  language: Language,
  code: Type.String(),
  stdin: Type.String(),
  timeoutMs: Type.Number(),
  memoryMb: Type.Number(),
  createdAt: Type.Number(),
  tenant: Type.Optional(Type.String()),
  charge: Type.Optional(Type.Unknown()),
});
const messageCheck = TypeCompiler.Compile(QueueMessageSchema);
const runCheck = TypeCompiler.Compile(QueuedRunSchema);
const chargeCheck = TypeCompiler.Compile(ChargeSchema);

function decodeRun(value: unknown): QueuedRun | undefined {
  if (!runCheck.Check(value)) return undefined;
  const { tenant, charge, ...run } = value;
  return {
    tokenHash: run.tokenHash, connectionId: run.connectionId, language: run.language, code: run.code, stdin: run.stdin,
    timeoutMs: run.timeoutMs, memoryMb: run.memoryMb, createdAt: run.createdAt,
    ...(tenant ? { tenant } : {}),
    ...(chargeCheck.Check(charge) ? { charge: { gateway: charge.gateway, ms: charge.ms } } : {}),
  };
}

/**
 * Returns undefined for a body that is not ours, so a stray message cannot crash a
 * worker. A malformed `run` is left out: the claim then works from the row alone.
 */
export function decodeQueueMessage(body: string | undefined): QueueMessage | undefined {
  if (!body) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!messageCheck.Check(value)) return undefined;
  const run = decodeRun(value.run);
  return { executionId: value.executionId, enqueuedAt: value.enqueuedAt, ...(run ? { run } : {}) };
}
