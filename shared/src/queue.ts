/**
 * What travels on the executions queue. The message names the execution; the claim
 * reads everything else from the executions table, which stays the one source of truth
 * (and carries the current connection after a `resume`).
 */
export interface QueueMessage {
  executionId: string;
  /** Epoch ms when the gateway enqueued it: the start of `queuedMs`. */
  enqueuedAt: number;
}

export function encodeQueueMessage(message: QueueMessage): string {
  return JSON.stringify(message);
}

/** Returns undefined for a body that is not ours, so a stray message cannot crash a worker. */
export function decodeQueueMessage(body: string | undefined): QueueMessage | undefined {
  if (!body) return undefined;
  try {
    const value = JSON.parse(body) as Partial<QueueMessage>;
    if (typeof value.executionId === 'string' && typeof value.enqueuedAt === 'number') {
      return { executionId: value.executionId, enqueuedAt: value.enqueuedAt };
    }
  } catch {
    // fall through
  }
  return undefined;
}
