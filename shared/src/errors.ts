/**
 * The one catalogue of the protocol's error codes (docs/protocol.md, "Error codes").
 * Messages are templates: `%s` is replaced, in order, by the arguments of `protocolError`.
 */
export const ERRORS = {
  bad_frame: 'The frame could not be read: %s. Send one JSON object per text frame.',
  unknown_action: 'Unknown action %s. Use one of: run, cancel, resume, ping.',
  invalid_request: '%s',
  too_large: '%s',
  rate_limited: 'Too many requests: %s. Retry in %s ms.',
  not_found: 'No execution %s for this token or connection.',
  unavailable: 'The service cannot reach its %s right now; nothing was recorded. Retry shortly.',
  internal: 'Something went wrong on our side (%s). Retry; if it persists, report it.',
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** When a client may retry after `unavailable`. */
export const UNAVAILABLE_RETRY_AFTER_MS = 1_000;

export interface ProtocolErrorBody {
  code: ErrorCode;
  message: string;
  /** For rate_limited: when a retry can succeed. */
  retryAfterMs?: number;
}

export class ProtocolError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterMs: number | undefined;
  constructor(code: ErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
  toBody(): ProtocolErrorBody {
    return this.retryAfterMs === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}

export function protocolError(code: ErrorCode, ...args: Array<string | number>): ProtocolError {
  let i = 0;
  const message = ERRORS[code].replace(/%s/g, () => String(args[i++] ?? ''));
  // An `unavailable` answer comes after the SDK's own retries failed: wait a little longer.
  const retryAfterMs = code === 'rate_limited' ? Number(args[1]) : code === 'unavailable' ? UNAVAILABLE_RETRY_AFTER_MS : undefined;
  return new ProtocolError(code, message, retryAfterMs);
}
