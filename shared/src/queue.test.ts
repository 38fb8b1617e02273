import { describe, expect, it } from 'vitest';
import { decodeQueueMessage, encodeQueueMessage, queueMessageFor, type QueuedRun } from './queue.ts';

const run: QueuedRun = {
  tokenHash: 'h', connectionId: 'c1', language: 'typescript', code: 'let x: number = 1', stdin: 'in', timeoutMs: 5000, memoryMb: 64, createdAt: 1700000000000,
};

describe('queue messages', () => {
  it('carry the run through an encode and decode unchanged', () => {
    const message = { executionId: 'ex_1', enqueuedAt: 1700000000000, run };
    expect(decodeQueueMessage(encodeQueueMessage(message))).toEqual(message);
  });

  it('are built from a row with its owner as the connection, even after a resume moved delivery', () => {
    const message = queueMessageFor({ ...run, executionId: 'ex_2', connectionId: 'c-after-resume', ownerConnectionId: 'c1' });
    expect(message).toEqual({ executionId: 'ex_2', enqueuedAt: run.createdAt, run });
  });

  it('from before the run was added still decode, without one', () => {
    expect(decodeQueueMessage('{"executionId":"ex_3","enqueuedAt":5}')).toEqual({ executionId: 'ex_3', enqueuedAt: 5 });
  });

  it('with a malformed run decode without it, so the claim falls back to the row alone', () => {
    for (const bad of [{ ...run, language: 'python' }, { ...run, code: 42 }, { ...run, timeoutMs: 'soon' }, 'run', null]) {
      expect(decodeQueueMessage(JSON.stringify({ executionId: 'ex_4', enqueuedAt: 5, run: bad }))).toEqual({ executionId: 'ex_4', enqueuedAt: 5 });
    }
  });

  it('carry any string as a body SQS accepts: emoji, U+FFFE/U+FFFF, controls and lone surrogates', () => {
    // SQS allows only #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF in a body;
    // the local emulator also refuses everything above #xFFFF.
    const code = "console.log('🚀 \uFFFE \uFFFF \u0000 \u001f \uD800 \uDC00 𝔘 é 中 \u202E')";
    const message = { executionId: 'ex_5', enqueuedAt: 5, run: { ...run, code, stdin: '😀\n\uFFFF' } };
    const body = encodeQueueMessage(message);
    expect(body).toMatch(/^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD]*$/);
    expect(decodeQueueMessage(body)).toEqual(message);
  });

  it('carry the tenant and the gateway\'s charge, and decode without a malformed charge', () => {
    const charged = { ...run, tenant: '203.0.113.7', charge: { gateway: 'gw-1', ms: 5000 } };
    const message = { executionId: 'ex_6', enqueuedAt: 5, run: charged };
    expect(decodeQueueMessage(encodeQueueMessage(message))).toEqual(message);
    const { charge: _, ...uncharged } = charged;
    expect(decodeQueueMessage(JSON.stringify({ ...message, run: { ...charged, charge: { gateway: 1 } } }))).toEqual({ ...message, run: uncharged });
  });

  it('from before tenants were added decode with their run, without a tenant', () => {
    expect(decodeQueueMessage(JSON.stringify({ executionId: 'ex_7', enqueuedAt: 5, run }))?.run).toEqual(run);
  });

  it('that are not ours decode to nothing', () => {
    for (const body of [undefined, '', 'not json', '[]', '{"executionId":1,"enqueuedAt":5}', '{"executionId":"ex"}']) {
      expect(decodeQueueMessage(body)).toBeUndefined();
    }
  });
});
