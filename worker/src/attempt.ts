/**
 * Runs one queue message to its end, as a guarded state machine:
 * claim (queued -> running under our lease) -> start -> run in the sandbox -> finish
 * (running -> final, once) -> delete the message. Every stage that loses a race stops
 * without side effects, so duplicate deliveries and dead workers cannot run a program
 * twice at once or end it twice.
 */
import { ChangeMessageVisibilityCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { LIMITS, type ResultMessage } from '@playground/shared';
import type { Timing } from '@playground/shared/resources';
import { isFinal, type ExecutionItem, type ExecutionStore } from '@playground/shared/executions';
import type { ConnectionStore } from '@playground/shared/connections';
import { decodeQueueMessage, type QueueMessage } from '@playground/shared/queue';
import type { Delivery } from '@playground/shared/delivery';
import type { Sandbox, SandboxOutcome } from '@playground/sandbox/types';
import { Publisher, type StopReason } from './publisher.ts';
import { LeaseKeeper, repeat } from './lease.ts';
import type { MessageDeleter } from './deletes.ts';
import type { Fairness } from './fairness.ts';

export interface AttemptDeps {
  sqs: SQSClient;
  queueUrl: string;
  /** Deletes handled messages from `queueUrl`, batched. */
  deletes: MessageDeleter;
  executions: ExecutionStore;
  connections: ConnectionStore;
  delivery: Delivery;
  sandbox: Sandbox;
  /** This worker's identity in leases. */
  owner: string;
  log: Logger;
  timing: Timing;
  /** How often a running execution checks the store for cancel and rebinding (default: watchInterval). */
  watchMs?: number;
  /** The share rule across tenants (fairness.ts); absent, runs start in queue order. */
  fairness?: Fairness;
}

/**
 * How often a running execution reads its row for a cancel or a resume: every 100 ms for
 * its first 2 s (a person who clicks Stop on a short run sees it stop at once), then
 * every 400 ms (a 30 s run costs 90 reads instead of 300; Stop still answers within half
 * a second, and a resume loses nothing either way: the worker resends what it stored
 * since its last look).
 */
export const watchInterval = (elapsedMs: number): number => (elapsedMs < 2_000 ? 100 : 400);

export type MessageOutcome = 'finished' | 'duplicate' | 'busy_elsewhere' | 'invalid' | 'lease_lost' | 'retry' | 'deferred';

/** Sends an execution's stored messages again (clients keep each seq once). */
async function resend(deps: AttemptDeps, item: ExecutionItem): Promise<void> {
  await deps.delivery.postAll(item.connectionId, await deps.executions.storedEvents(item)).catch(() => 'gone' as const);
}

/**
 * Deletes a handled message, not waited for: the slot is free as soon as the result is
 * written, and deletes leave in batches (deletes.ts). One that fails only lets the
 * message come back after its visibility timeout, and the claim turns it away.
 */
function deleteHandled(deps: AttemptDeps, message: Message, executionId?: string): void {
  deps.deletes.delete(message.ReceiptHandle!).catch((err: unknown) => deps.log.warn({ err, executionId, messageId: message.MessageId }, 'could not delete a handled message; it comes back once and is turned away'));
}

export async function processMessage(deps: AttemptDeps, message: Message, body: QueueMessage | undefined = decodeQueueMessage(message.Body)): Promise<MessageOutcome> {
  if (!body) {
    // Not ours: keeping it would only send it to the dead-letter queue three receives later.
    deps.log.warn({ messageId: message.MessageId }, 'dropping a message that is not an execution');
    deleteHandled(deps, message);
    return 'invalid';
  }
  // A run whose tenant is over its share waits its turn; messages without a tenant (from
  // before it was added) start in queue order.
  const tenant = body.run?.tenant;
  const ticket = deps.fairness ? await deps.fairness.admit(message, tenant) : undefined;
  if (ticket === 'deferred') return 'deferred';
  try {
    const item = await deps.executions.claim(body.executionId, deps.owner, Date.now(), deps.timing.leaseMs, body.run);
    if (!item) return await settleUnclaimed(deps, message, body.executionId);
    const held = item.tenant ?? tenant;
    if (!ticket || !held) return await runClaimed(deps, message, item);
    return await ticket.hold(
      { tenant: held, connectionId: item.ownerConnectionId, ...(item.charge ? { charge: item.charge } : {}) },
      (done) => runClaimed(deps, message, item, done),
    );
  } finally {
    ticket?.release();
  }
}

/** The claim failed: the run is final (a duplicate delivery) or another worker holds it. */
async function settleUnclaimed(deps: AttemptDeps, message: Message, executionId: string): Promise<MessageOutcome> {
  const current = await deps.executions.get(executionId);
  if (!current || isFinal(current.status)) {
    // Already finished (a duplicate delivery), cancelled while queued, or withdrawn.
    // A worker that died between writing the result and posting it leaves its message
    // behind; sending the stored messages again closes that gap.
    if (current) await resend(deps, current);
    deleteHandled(deps, message, executionId);
    return 'duplicate';
  }
  // Another worker holds a live lease: look again when it would have expired.
  const wait = Math.max(1, Math.ceil(((current.leaseExpiresAt ?? Date.now()) - Date.now()) / 1000) + 1);
  await deps.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: deps.queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: Math.min(wait, 43_200) }))
    .catch((err: unknown) => deps.log.warn({ err, executionId }, 'could not defer a busy message'));
  return 'busy_elsewhere';
}

/**
 * An attempt, from claimed to released: running (the sandbox, with the lease kept and
 * the row watched), then finished (the result written once) or released (for a retry).
 */
async function runClaimed(deps: AttemptDeps, message: Message, item: ExecutionItem, sandboxDone?: (outcome: SandboxOutcome) => void): Promise<MessageOutcome> {
  const { executions, timing, owner } = deps;
  const { executionId } = item;
  const log = deps.log.child({ executionId, attempt: item.attempt });
  // A retry numbers on past anything an earlier attempt stored after its last renewal.
  const startSeq = item.attempt > 1 ? Math.max(item.lastSeq, (await executions.lastPieceSeq(executionId)) + 1) : item.lastSeq;
  const abort = new AbortController();
  let stopReason: StopReason | undefined;
  const stop = (reason: StopReason) => {
    stopReason ??= reason;
    abort.abort(reason);
  };
  const publisher = new Publisher({
    item, startSeq, owner, executions, delivery: deps.delivery, log, leaseMs: timing.leaseMs, onStop: stop,
    // A socket closed without its $disconnect being recorded leaves a row behind; drop it.
    onGone: (connectionId) => {
      deps.connections.delete(connectionId).catch((err: unknown) => log.warn({ err, connectionId }, 'could not remove a gone connection'));
    },
  });
  const lease = new LeaseKeeper({
    executions, sqs: deps.sqs, queueUrl: deps.queueUrl, receiptHandle: message.ReceiptHandle, executionId, owner, timing, log,
    storedSeq: () => publisher.storedSeq,
    onRenewed: (at) => publisher.renewed(at),
    onLost: () => stop('lease_lost'),
  });
  // Queue time is measured from the first enqueue: a retried run waited all along.
  const queuedMs = Math.max(0, (item.startedAt ?? Date.now()) - item.createdAt);
  publisher.started(queuedMs);
  lease.start();
  // While it runs, watch the row for a cancel, a resume onto another socket, or a lost lease.
  const stopWatching = repeat(() => publisher.watch().catch((err: unknown) => log.warn({ err }, 'watch failed')), deps.watchMs ?? watchInterval);

  let outcome: SandboxOutcome;
  try {
    outcome = await deps.sandbox.run({
      executionId, language: item.language, code: item.code, stdin: item.stdin, timeoutMs: item.timeoutMs, memoryMb: item.memoryMb,
      maxOutputBytes: LIMITS.maxOutputBytes,
    }, (chunk) => publisher.output(chunk), abort.signal);
  } catch (err) {
    // The sandbox promises outcomes, not errors; if it breaks anyway, say so.
    log.error({ err }, 'sandbox failed');
    outcome = { status: 'crashed', wallMs: 0, cpuMs: 0, truncated: false, error: { name: 'InternalError', message: 'The sandbox failed to run this program.' } };
  } finally {
    await Promise.all([stopWatching(), lease.stop()]);
  }
  // The slot is free from here: its tenant's count must not wait for the result's writes.
  sandboxDone?.(outcome);

  if (stopReason === 'lease_lost') {
    log.warn('lease lost; another worker owns this run now');
    return 'lease_lost';
  }
  if (outcome.status === 'crashed' && !stopReason) {
    // The sandbox died under the run, which no limit explains: try again at once on
    // another delivery. SQS counts receives; past maxReceiveCount the message goes to
    // the dead-letter queue, whose consumer ends the run as `crashed` and says so.
    log.warn({ error: outcome.error }, 'sandbox died; the run will be retried');
    await publisher.settle();
    await executions.release(executionId, owner);
    await deps.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: deps.queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }))
      .catch((err: unknown) => log.warn({ err }, 'could not release the message; it returns after its visibility timeout'));
    return 'retry';
  }
  const written = await publisher.finish(resultOf(outcome, stopReason, queuedMs));
  if (!written) {
    log.warn('final status already written elsewhere');
    return 'lease_lost';
  }
  deleteHandled(deps, message, executionId);
  log.info({ status: stopReason === 'cancelled' ? 'cancelled' : outcome.status, wallMs: outcome.wallMs }, 'execution finished');
  return 'finished';
}

/** The result of a run that ends here: the sandbox's outcome, unless the run was stopped first. */
function resultOf(outcome: SandboxOutcome, stopReason: StopReason | undefined, queuedMs: number): Omit<ResultMessage, 'seq' | 'executionId'> {
  const stats = { wallMs: outcome.wallMs, cpuMs: outcome.cpuMs, queuedMs };
  if (stopReason === 'output_refused') {
    return { type: 'result', status: 'output_exceeded', error: OUTPUT_NOT_STORED, stats, truncated: true };
  }
  return {
    type: 'result',
    status: stopReason === 'cancelled' ? 'cancelled' : outcome.status,
    ...(outcome.value !== undefined ? { value: outcome.value } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(outcome.exitCode ? { exitCode: outcome.exitCode } : {}),
    stats,
    truncated: outcome.truncated,
  };
}

export const OUTPUT_NOT_STORED = {
  name: 'OutputNotStored',
  message: 'The store refused to keep this output, so the run was stopped; everything printed before that was delivered.',
} as const;
