/**
 * Every limit the service enforces, in one place, so the gateway, the worker, the web
 * app's settings and the Pulumi program agree. Sizes are bytes, times milliseconds.
 */
export const LIMITS = {
  /** API Gateway's hard limit for one WebSocket message; the local edge closes with 1009 past it. */
  maxFrameBytes: 128 * 1024,
  /** API Gateway's limit for one frame, and so for one PostToConnection payload. */
  maxPostBytes: 32 * 1024,
  /** Output data in one `output` message, leaving room for the envelope under maxPostBytes. */
  maxOutputChunkBytes: 30 * 1024,
  maxCodeBytes: 64 * 1024,
  maxStdinBytes: 64 * 1024,
  timeoutMs: { min: 100, max: 30_000, default: 5_000 },
  memoryMb: { min: 16, max: 256, default: 64 },
  /** Everything a program may print; past it the run ends `output_exceeded`. */
  maxOutputBytes: 1024 * 1024,
  /**
   * What one `result` may carry, per field, in bytes of the field's JSON encoding (UTF-8
   * after escaping: a quote costs 2 bytes, a control character up to 6), because that is
   * what it costs in the frame. A result has a value or an error, never both: the larger
   * (value, 16 KiB; error, 12.25 KiB) plus the envelope (~300 B) leaves over 15 KiB of the
   * 32 KiB frame for fields the protocol may add (limits.test.ts checks the fit). 8 KiB of
   * stack is ~80 frames (V8 keeps 10 by default); 4 KiB of message is a few screens of
   * inspected object. Longer text is cut on a character boundary and ends with a marker
   * (docs/runtime.md); what is kept counts against maxOutputBytes like printed output.
   */
  maxValueBytes: 16 * 1024,
  maxErrorNameBytes: 256,
  maxErrorMessageBytes: 4 * 1024,
  maxErrorStackBytes: 8 * 1024,
  /** How long output is batched before it is sent: a tight loop costs few messages. */
  outputBatchMs: 4,
  requestId: { min: 1, max: 64 },
  /** Idle socket timeout, like API Gateway's. */
  idleTimeoutMs: 10 * 60 * 1000,
  /** Executions and connections are kept this long (DynamoDB TTL). */
  retentionSeconds: 7 * 24 * 3600,
} as const;
