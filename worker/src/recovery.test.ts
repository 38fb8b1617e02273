/**
 * The recovery loops against small fakes of SQS and the store: one item that fails never
 * takes the others with it, and the failure is logged with the execution it concerns.
 */
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ExecutionItem, ExecutionStore } from '@playground/shared/executions';
import type { Delivery } from '@playground/shared/delivery';
import { Recovery } from './recovery.ts';

const row = (executionId: string): ExecutionItem => ({
  executionId, tokenHash: 'h', connectionId: 'c', ownerConnectionId: 'c', language: 'javascript', code: '', stdin: '',
  timeoutMs: 5000, memoryMb: 64, status: 'queued', attempt: 0, createdAt: 0, lastSeq: 0, ttl: 0,
});

function logged() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

describe('the recovery sweep', () => {
  it('enqueues every stranded execution even when one send fails, and names the one that failed', async () => {
    const sent: string[] = [];
    const sqs = {
      send: async (command: { input: { MessageBody: string } }) => {
        const id = (JSON.parse(command.input.MessageBody) as { executionId: string }).executionId;
        if (id === 'ex_b') throw new Error('throttled');
        sent.push(id);
        return {};
      },
    } as unknown as SQSClient;
    const requeued: string[] = [];
    const executions = {
      stranded: async () => [row('ex_a'), row('ex_b'), row('ex_c')],
      markRequeued: async (id: string) => void requeued.push(id),
    } as unknown as ExecutionStore;
    const { log, lines } = logged();
    const recovery = new Recovery({ sqs, queueUrl: 'q', deadLetterQueueUrl: 'dlq', executions, delivery: {} as Delivery, log });
    expect(await recovery.sweep()).toBe(2);
    expect(sent).toEqual(['ex_a', 'ex_c']);
    expect(requeued).toEqual(['ex_a', 'ex_c']);
    expect(lines.find((l) => l.level === 50)).toMatchObject({ executionId: 'ex_b', msg: expect.stringMatching(/could not enqueue/) });
  });
});

describe('the dead-letter loop', () => {
  it('reports every dead letter of a batch when one cannot be reported, and keeps that one for later', async () => {
    const deleted: string[] = [];
    let receives = 0;
    let recovery!: Recovery;
    const sqs = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        if (command.constructor.name === 'ReceiveMessageCommand') {
          receives += 1;
          if (receives > 1) {
            void recovery.close();
            return {};
          }
          return { Messages: ['ex_a', 'ex_b', 'ex_c'].map((id) => ({ MessageId: `m-${id}`, ReceiptHandle: id, Body: JSON.stringify({ executionId: id, enqueuedAt: 1 }) })) };
        }
        deleted.push(command.input.ReceiptHandle as string);
        return {};
      },
    } as unknown as SQSClient;
    const finished: string[] = [];
    const executions = {
      get: async (id: string) => {
        if (id === 'ex_b') throw new Error('store unavailable');
        return { ...row(id), status: 'running' };
      },
      lastStoredSeq: async () => 1,
      finish: async (id: string) => {
        finished.push(id);
        return { ...row(id), status: 'crashed' };
      },
    } as unknown as ExecutionStore;
    const delivery = { post: async () => 'sent' } as unknown as Delivery;
    const { log, lines } = logged();
    recovery = new Recovery({ sqs, queueUrl: 'q', deadLetterQueueUrl: 'dlq', executions, delivery, log, sweepEveryMs: 3_600_000 });
    await recovery.run();
    expect(finished).toEqual(['ex_a', 'ex_c']);
    expect(deleted).toEqual(['ex_a', 'ex_c']);
    expect(lines.find((l) => l.level === 50)).toMatchObject({ executionId: 'ex_b', msg: expect.stringMatching(/dead letter/) });
  });
});
