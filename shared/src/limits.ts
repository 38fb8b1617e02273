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
  /** How long output is batched before it is sent: a tight loop costs few messages. */
  outputBatchMs: 4,
  requestId: { min: 1, max: 64 },
  /** Idle socket timeout, like API Gateway's. */
  idleTimeoutMs: 10 * 60 * 1000,
  /** Executions and connections are kept this long (DynamoDB TTL). */
  retentionSeconds: 7 * 24 * 3600,
} as const;
