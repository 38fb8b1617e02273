/**
 * The one catalogue of the protocol's error codes (docs/protocol.md, "Error codes"): each
 * code has one typed factory that writes its message, so every `error` and `rejected`
 * body says what went wrong, which field or limit, and what to do, in one voice.
 */
import { CLIENT_SCHEMAS, ERROR_CODES, type ErrorCode } from './protocol.ts';

export { ERROR_CODES, type ErrorCode };

/** When a client may retry after `unavailable`: the service already retried the call. */
export const UNAVAILABLE_RETRY_AFTER_MS = 1_000;

const ACTIONS = Object.keys(CLIENT_SCHEMAS).join(', ');

export interface ProtocolErrorBody {
  code: ErrorCode;
  message: string;
  /** For rate_limited and unavailable: when a retry can succeed. */
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

/** One factory per code; what each says is documented beside it in docs/protocol.md. */
export const errors = {
  /** A frame that is not one JSON object in a text frame. */
  badFrame: (why: string) => new ProtocolError('bad_frame', `The frame could not be read: ${why}. Send one JSON object per text frame.`),
  unknownAction: (action: string) => new ProtocolError('unknown_action', `Unknown action ${action}. Use one of: ${ACTIONS}.`),
  /** `detail` names the field and what was wrong with it. */
  invalidRequest: (detail: string) => new ProtocolError('invalid_request', detail),
  missingAction: () => new ProtocolError('invalid_request', `Field "action" is required: one of ${ACTIONS}.`),
  tooLarge: (field: string, bytes: number, max: number) =>
    new ProtocolError('too_large', `Field "${field}" is ${bytes} bytes; the limit is ${max} bytes (${max / 1024} KiB). Shorten it.`),
  /** `what` says which limit ran out, e.g. "more than 10 runs/s on this socket". */
  rateLimited: (what: string, retryAfterMs: number) => new ProtocolError('rate_limited', `Too many requests: ${what}. Retry in ${retryAfterMs} ms.`, retryAfterMs),
  executionNotFound: (executionId: string) => new ProtocolError('not_found', `No execution ${executionId} for this token or connection.`),
  snippetNotFound: (snippetId: string) => new ProtocolError('not_found', `No snippet ${snippetId}; it may have expired.`),
  /** `dependency`: what could not be reached ("queue", "execution store"). */
  unavailable: (dependency: string) =>
    new ProtocolError('unavailable', `The service cannot reach its ${dependency} right now; nothing was recorded. Retry in ${UNAVAILABLE_RETRY_AFTER_MS} ms.`, UNAVAILABLE_RETRY_AFTER_MS),
  internal: (what: string) => new ProtocolError('internal', `Something went wrong on our side (${what}). Retry; if it persists, report it.`),
} as const;

/** For documentation: each code with an example of what it says. */
export const ERROR_EXAMPLES: Record<ErrorCode, string> = {
  bad_frame: errors.badFrame('it is not valid JSON').message,
  unknown_action: errors.unknownAction('"fly"').message,
  invalid_request: errors.invalidRequest('Field "timeoutMs" is invalid: Expected integer to be less or equal to 30000 (got 99999).').message,
  too_large: errors.tooLarge('code', 70_000, 65_536).message,
  rate_limited: errors.rateLimited('more than 10 runs/s on this socket', 100).message,
  not_found: errors.executionNotFound('ex_123').message,
  unavailable: errors.unavailable('queue').message,
  internal: errors.internal('unexpected error').message,
};
