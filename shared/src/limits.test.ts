import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits.ts';
import type { ResultMessage } from './protocol.ts';

/** A field whose JSON encoding is exactly `bytes` long. */
const field = (bytes: number) => 'é'.repeat(Math.floor(bytes / 2)) + 'x'.repeat(bytes % 2);

describe('the limits of a result', () => {
  // Large numbers everywhere the envelope has one, the longest execution id.
  const envelope = { type: 'result', executionId: 'e'.repeat(64), seq: 2 ** 31, stats: { wallMs: 29_999.123456789, cpuMs: 29_999.123456789, queuedMs: 123_456.789012345 }, truncated: true } as const;

  it('fits one API Gateway frame with the value at its limit', () => {
    const message: ResultMessage = { ...envelope, status: 'succeeded', value: field(LIMITS.maxValueBytes) };
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(LIMITS.maxPostBytes);
  });

  it('fits one API Gateway frame with every error field at its limit', () => {
    const message: ResultMessage = {
      ...envelope,
      status: 'failed',
      error: { name: field(LIMITS.maxErrorNameBytes), message: field(LIMITS.maxErrorMessageBytes), stack: field(LIMITS.maxErrorStackBytes), line: 2 ** 31, column: 2 ** 31 },
    };
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(LIMITS.maxPostBytes);
  });
});
