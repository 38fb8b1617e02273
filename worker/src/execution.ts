/**
 * Runs one queue message to its end, as a guarded state machine:
 * claim (queued -> running under our lease) -> start -> run in the sandbox -> finish
 * (running -> final, once) -> delete the message. Every stage that loses a race stops
 * without side effects, so duplicate deliveries and dead workers cannot run a program
 * twice at once or end it twice.
 */
import { ChangeMessageVisibilityCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { LIMITS, type ExecutionEvent, type Status, type Timing } from '@playground/shared';
import { isFinal, type ExecutionStore } from '@playground/shared/executions';
import type { ConnectionStore } from '@playground/shared/connections';
import { decodeQueueMessage } from '@playground/shared/queue';
import type { Delivery } from '@playground/shared/delivery';
import type { Sandbox, SandboxOutcome } from './sandbox/types.ts';
import { Publisher } from './publisher.ts';
import type { MessageDeleter } from './deletes.ts';

export interface ExecutionDeps {
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
  /** How often a running execution checks the store for cancel and rebinding. */
  watchMs?: number;
}

export type MessageOutcome = 'finished' | 'duplicate' | 'busy_elsewhere' | 'invalid' | 'lease_lost' | 'retry';

async function resend(deps: ExecutionDeps, connectionId: string, stored: string[]): Promise<void> {
  for (const json of stored) {
    const sent = await deps.delivery.post(connectionId, JSON.parse(json) as ExecutionEvent).catch(() => 'gone' as const);
    if (sent === 'gone') return;
  }
}

export async function processMessage(deps: ExecutionDeps, message: Message): Promise<MessageOutcome> {
  const { sqs, queueUrl, executions, log, owner } = deps;
  const remove = () => deps.deletes.delete(message.ReceiptHandle!);
  const body = decodeQueueMessage(message.Body);
  if (!body) {
    // Not ours: keeping it would only send it to the dead-letter queue three receives later.
    log.warn({ messageId: message.MessageId }, 'dropping a message that is not an execution');
    await remove();
    return 'invalid';
  }
  const { executionId } = body;
  const { timing } = deps;
  const item = await executions.claim(executionId, owner, Date.now(), timing.leaseMs, body.run);
  if (!item) {
    const current = await executions.get(executionId);
    if (!current || isFinal(current.status)) {
      // Already finished (a duplicate delivery), cancelled while queued, or withdrawn.
      // A worker that died between writing the result and posting it leaves its message
      // behind; sending the stored messages again closes that gap (clients drop seqs
      // they have seen).
      if (current) await resend(deps, current.connectionId, current.events);
      await remove();
      return 'duplicate';
    }
    // Another worker holds a live lease: look again when it would have expired.
    const wait = Math.max(1, Math.ceil(((current.leaseExpiresAt ?? Date.now()) - Date.now()) / 1000) + 1);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: Math.min(wait, 43_200) }))
      .catch((err: unknown) => log.warn({ err, executionId }, 'could not defer a busy message'));
    return 'busy_elsewhere';
  }

  const log1 = log.child({ executionId, attempt: item.attempt });
  const abort = new AbortController();
  let stopReason: 'cancelled' | 'lease_lost' | undefined;
  const publisher = new Publisher({
    item, owner, executions, delivery: deps.delivery, log: log1, leaseMs: timing.leaseMs,
    onStop: (reason) => {
      stopReason ??= reason;
      abort.abort(reason);
    },
    // A socket closed without its $disconnect being recorded leaves a row behind; drop it.
    onGone: (connectionId) => {
      deps.connections.delete(connectionId).catch((err: unknown) => log1.warn({ err, connectionId }, 'could not remove a gone connection'));
    },
  });
  // Queue time is measured from the first enqueue: a retried run waited all along.
  const queuedMs = Math.max(0, (item.startedAt ?? Date.now()) - item.createdAt);
  publisher.started(queuedMs);

  // While it runs, watch the store (cancel, resume onto another socket) and keep the
  // lease and the message's visibility ahead of the clock.
  let lastRenew = Date.now();
  const watch = setInterval(() => {
    void (async () => {
      const now = Date.now();
      if (now - lastRenew >= timing.heartbeatMs) {
        lastRenew = now;
        const renewed = await executions.record(executionId, owner, [], now, timing.leaseMs, 0);
        if (!renewed) {
          stopReason ??= 'lease_lost';
          return abort.abort('lease_lost');
        }
        await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: timing.visibilityTimeoutSeconds }));
        return publisher.observe(renewed);
      }
      const current = await executions.get(executionId);
      if (current) publisher.observe(current);
    })().catch((err: unknown) => log1.warn({ err }, 'watch failed'));
  }, deps.watchMs ?? 100);

  let outcome: SandboxOutcome;
  try {
    outcome = await deps.sandbox.run({
      executionId,
      language: item.language,
      code: item.code,
      stdin: item.stdin,
      timeoutMs: item.timeoutMs,
      memoryMb: item.memoryMb,
      maxOutputBytes: LIMITS.maxOutputBytes,
    }, (chunk) => publisher.output(chunk), abort.signal);
  } catch (err) {
    // The sandbox promises outcomes, not errors; if it breaks anyway, say so.
    log1.error({ err }, 'sandbox failed');
    outcome = { status: 'crashed', wallMs: 0, cpuMs: 0, truncated: false, error: { name: 'InternalError', message: 'The sandbox failed to run this program.' } };
  } finally {
    clearInterval(watch);
  }

  if (stopReason === 'lease_lost') {
    log1.warn('lease lost; another worker owns this run now');
    return 'lease_lost';
  }
  if (outcome.status === 'crashed' && !stopReason) {
    // The sandbox died under the run, which no limit explains: try again at once on
    // another delivery. SQS counts receives; past maxReceiveCount the message goes to
    // the dead-letter queue, whose consumer ends the run as `crashed` and says so.
    log1.warn({ error: outcome.error }, 'sandbox died; the run will be retried');
    await publisher.settle();
    await executions.release(executionId, owner);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }))
      .catch((err: unknown) => log1.warn({ err }, 'could not release the message; it returns after its visibility timeout'));
    return 'retry';
  }
  const status: Status = stopReason === 'cancelled' ? 'cancelled' : outcome.status;
  const written = await publisher.finish({
    type: 'result',
    status,
    ...(outcome.value !== undefined ? { value: outcome.value } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
    stats: { wallMs: outcome.wallMs, cpuMs: outcome.cpuMs, queuedMs },
    truncated: outcome.truncated,
  });
  if (!written) {
    log1.warn('final status already written elsewhere');
    return 'lease_lost';
  }
  await remove();
  log1.info({ status, wallMs: outcome.wallMs }, 'execution finished');
  return 'finished';
}
