/**
 * The gateway's one set of handlers for API Gateway's routes: `$connect`, `$disconnect`
 * and `$default`. Both doors (the HTTP integration API Gateway calls in the cloud, and
 * the local WebSocket edge) call these, so they cannot behave differently.
 *
 * `message` returns the route response (what the client gets as the direct answer to
 * its frame); anything more (a replay, a result for a cancelled queued run) is posted
 * through the management API, as it must be in the cloud.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import {
  LIMITS, ProtocolError, errors,
  type ClientMessage, type ExecutionEvent, type ResultMessage, type ServerMessage,
} from '@playground/shared';
import { hashToken, newExecutionId, newToken, snippetIdFor, tokenMatches } from '@playground/shared/ids';
import { ExecutionStore, isFinal, ttlFrom, type ExecutionItem } from '@playground/shared/executions';
import { encodeQueueMessage, queueMessageFor } from '@playground/shared/queue';
import type { Delivery } from '@playground/shared/delivery';
import { parseFrame } from './frames.ts';
import { RecentRuns } from './recent-runs.ts';
import type { SnippetStore } from './snippets.ts';
import type { ConnectionStore } from '@playground/shared/connections';
import type { RateLimits } from './rate-limits.ts';
import type { Budgets } from './budgets.ts';

export interface Caller {
  connectionId: string;
  sourceIp: string;
}

export interface GatewayServices {
  executions: ExecutionStore;
  connections: ConnectionStore;
  snippets: SnippetStore;
  sqs: SQSClient;
  queueUrl: string;
  delivery: Delivery;
  limits: RateLimits;
  /** Sandbox time per address and socket (budgets.ts). */
  budgets: Budgets;
  log: Logger;
  now?: () => number;
}

export interface Handlers {
  connect(caller: Caller): Promise<void>;
  disconnect(caller: Caller): Promise<void>;
  message(caller: Caller, data: string | Buffer, binary: boolean): Promise<ServerMessage | undefined>;
}

/**
 * What can still be read from a frame that failed validation, so the error can be
 * matched to its request: a `run` is answered with `rejected`, anything else `error`.
 */
function hintsOf(data: string | Buffer, binary: boolean): { requestId?: string; isRun: boolean } {
  if (binary) return { isRun: false };
  try {
    const value = JSON.parse(typeof data === 'string' ? data : data.toString('utf8')) as { requestId?: unknown; action?: unknown };
    const ok = typeof value.requestId === 'string' && value.requestId.length <= LIMITS.requestId.max;
    return { ...(ok ? { requestId: value.requestId as string } : {}), isRun: value.action === 'run' };
  } catch {
    return { isRun: false };
  }
}

export function createHandlers(services: GatewayServices): Handlers {
  const { executions, connections, snippets, sqs, queueUrl, delivery, limits, budgets, log } = services;
  const now = services.now ?? Date.now;
  const recentRuns = new RecentRuns(limits.options.activeRunsPerSocket);

  async function run(caller: Caller, msg: Extract<ClientMessage, { action: 'run' }>): Promise<ServerMessage> {
    limits.takeRun(caller);
    const { tenant, charge } = await budgets.charge(caller, msg.timeoutMs);
    const createdAt = now();
    const executionId = newExecutionId();
    const token = newToken();
    const item: ExecutionItem = {
      executionId,
      tokenHash: hashToken(token),
      connectionId: caller.connectionId,
      ownerConnectionId: caller.connectionId,
      language: msg.language,
      code: msg.code,
      stdin: msg.stdin ?? '',
      timeoutMs: msg.timeoutMs ?? LIMITS.timeoutMs.default,
      memoryMb: msg.memoryMb ?? LIMITS.memoryMb.default,
      status: 'queued',
      attempt: 0,
      createdAt,
      lastSeq: 0,
      ttl: ttlFrom(createdAt),
      tenant,
      charge,
    };
    const cap = limits.options.activeRunsPerSocket;
    // Only a socket that reached its cap in this gateway's last minute can be full: the
    // store's count is asked for then alone (see recent-runs.ts).
    const mayBeFull = recentRuns.note(caller.connectionId, createdAt) >= cap;
    // The row, the queue message and the count of this socket's earlier unfinished runs
    // go out side by side, so a run waits for one round trip before a worker can take
    // it. The message carries the run: a worker that claims it before the row lands
    // creates the row from it. A run refused after all is withdrawn.
    const [pending, row, sent] = await Promise.allSettled([
      mayBeFull ? executions.countPending(caller.connectionId, createdAt) : Promise.resolve(0),
      executions.create(item),
      sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: encodeQueueMessage(queueMessageFor(item)), MessageGroupId: tenant })),
    ]);
    const failure = [sent, row, pending].find((r) => r.status === 'rejected');
    const full = pending.status === 'fulfilled' && pending.value >= cap;
    if (failure || full) {
      if (failure) log.error({ err: failure.reason, executionId }, sent === failure ? 'could not enqueue execution' : 'could not record execution');
      // The row becomes a tombstone, so a message already out finds nothing to run. If a
      // worker claimed the run first, it is under way: the answer is `accepted` after all
      // (the cap is a soft one). If even the withdrawal fails, the run may still happen:
      // its client was told `unavailable`, and events for an unknown execution are ignored.
      const withdrawn = await executions.withdraw(executionId, caller.connectionId, now()).catch((err: unknown) => {
        log.error({ err, executionId }, 'could not withdraw an execution');
        return true;
      });
      if (withdrawn) {
        budgets.refund(caller, charge.ms);
        if (failure) throw errors.unavailable(sent === failure ? 'queue' : 'execution store');
        throw errors.rateLimited(`this socket already has ${cap} runs queued or running; wait for one to finish`, 1000);
      }
    }
    return { type: 'accepted', requestId: msg.requestId, executionId, token };
  }

  async function cancel(caller: Caller, msg: Extract<ClientMessage, { action: 'cancel' }>): Promise<ServerMessage> {
    const item = await executions.get(msg.executionId);
    if (!item || item.connectionId !== caller.connectionId) throw errors.executionNotFound(msg.executionId);
    const ack: ServerMessage = { type: 'ack', action: 'cancel', executionId: item.executionId, ...(msg.requestId ? { requestId: msg.requestId } : {}) };
    if (isFinal(item.status)) return ack;
    if (item.status === 'queued') {
      const result: ResultMessage = {
        type: 'result', executionId: item.executionId, seq: item.lastSeq + 1, status: 'cancelled',
        stats: { wallMs: 0, cpuMs: 0, queuedMs: now() - item.createdAt }, truncated: false,
      };
      const final = await executions.finish(item.executionId, result, [], now(), { fromQueued: true });
      if (final) {
        if (item.charge?.gateway === budgets.gateway) budgets.refund(caller, item.charge.ms);
        // The cancel is done once written; telling the socket is best effort (a resume replays it).
        await delivery.post(final.connectionId, result).catch((err: unknown) => log.warn({ err, executionId: item.executionId }, 'could not post the cancelled result'));
        return ack;
      }
    }
    // Running (or claimed just now): the worker watches for this flag and stops the run.
    await executions.requestCancel(item.executionId);
    return ack;
  }

  async function resume(caller: Caller, msg: Extract<ClientMessage, { action: 'resume' }>): Promise<ServerMessage> {
    let item = await executions.get(msg.executionId);
    if (!item || !tokenMatches(msg.token, item.tokenHash)) throw errors.executionNotFound(msg.executionId);
    if (!isFinal(item.status)) {
      // Rebind first, then read what is stored: a message stored before the rebind is
      // in the replay; the worker sends one stored after it (or stored since it last saw
      // the old connection) to the new connection itself. A seq may come twice; never
      // not at all.
      item = (await executions.rebind(item.executionId, caller.connectionId)) ?? item;
    }
    const replay = await executions.storedEvents(item, msg.afterSeq ?? 0);
    if (replay.length) {
      // The replay goes through the management API like any post; if that cannot be
      // reached, say so: the client resumes again, nothing is lost.
      await delivery.postAll(caller.connectionId, replay).catch((err: unknown) => {
        log.error({ err, executionId: item.executionId }, 'could not replay stored messages');
        throw errors.unavailable('management API');
      });
    }
    return { type: 'ack', action: 'resume', executionId: item.executionId, ...(msg.requestId ? { requestId: msg.requestId } : {}) };
  }

  async function dispatch(caller: Caller, msg: ClientMessage): Promise<ServerMessage> {
    switch (msg.action) {
      case 'run': return run(caller, msg);
      case 'cancel': return cancel(caller, msg);
      case 'resume': return resume(caller, msg);
      case 'ping': return { type: 'pong', ...(msg.requestId ? { requestId: msg.requestId } : {}) };
      case 'share': {
        limits.takeShare(caller);
        const snippetId = snippetIdFor(msg.language, msg.code, msg.stdin ?? '');
        await snippets.put({ snippetId, language: msg.language, code: msg.code, ...(msg.stdin ? { stdin: msg.stdin } : {}), createdAt: now() });
        return { type: 'shared', requestId: msg.requestId, snippetId };
      }
      case 'load': {
        const snippet = await snippets.get(msg.snippetId);
        if (!snippet) throw errors.snippetNotFound(msg.snippetId);
        return { type: 'snippet', requestId: msg.requestId, snippetId: snippet.snippetId, language: snippet.language, code: snippet.code, ...(snippet.stdin ? { stdin: snippet.stdin } : {}) };
      }
    }
  }

  return {
    async connect(caller) {
      await connections.put({ connectionId: caller.connectionId, connectedAt: now(), sourceIp: caller.sourceIp });
    },
    async disconnect(caller) {
      limits.forget(caller);
      recentRuns.forget(caller.connectionId);
      budgets.forget(caller);
      await connections.delete(caller.connectionId);
    },
    async message(caller, data, binary) {
      let msg: ClientMessage | undefined;
      try {
        msg = parseFrame(data, binary);
        return await dispatch(caller, msg);
      } catch (err) {
        const hints = msg ? { requestId: msg.requestId, isRun: msg.action === 'run' } : hintsOf(data, binary);
        const requestId = hints.requestId;
        const error = err instanceof ProtocolError ? err : errors.internal('unexpected error');
        if (!(err instanceof ProtocolError)) log.error({ err, connectionId: caller.connectionId, action: msg?.action }, 'handler failed');
        if (hints.isRun && requestId !== undefined) return { type: 'rejected', requestId, error: error.toBody() };
        return { type: 'error', ...(requestId !== undefined ? { requestId } : {}), error: error.toBody() };
      }
    },
  };
}
