/**
 * The wire protocol (docs/protocol.md) as schemas, with the TypeScript types derived from
 * them. Client messages are a union on `action`, server messages a union on `type`.
 * Only optional fields and new actions may be added; nothing is ever renamed.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { LIMITS } from './limits.ts';

const RequestId = Type.String({ minLength: LIMITS.requestId.min, maxLength: LIMITS.requestId.max });
const ExecutionId = Type.String({ minLength: 1, maxLength: 64 });
export const Language = Type.Union([Type.Literal('javascript'), Type.Literal('typescript')]);
export type Language = Static<typeof Language>;

// Sizes of code and stdin are checked in bytes after the schema, so that an oversized
// program gets `too_large` rather than a schema message.
export const RunMessage = Type.Object({
  action: Type.Literal('run'),
  requestId: RequestId,
  language: Language,
  code: Type.String(),
  stdin: Type.Optional(Type.String()),
  timeoutMs: Type.Optional(Type.Integer({ minimum: LIMITS.timeoutMs.min, maximum: LIMITS.timeoutMs.max })),
  memoryMb: Type.Optional(Type.Integer({ minimum: LIMITS.memoryMb.min, maximum: LIMITS.memoryMb.max })),
});
export const CancelMessage = Type.Object({
  action: Type.Literal('cancel'),
  executionId: ExecutionId,
  requestId: Type.Optional(RequestId),
});
export const ResumeMessage = Type.Object({
  action: Type.Literal('resume'),
  executionId: ExecutionId,
  token: Type.String({ minLength: 1, maxLength: 128 }),
  afterSeq: Type.Optional(Type.Integer({ minimum: 0 })),
  requestId: Type.Optional(RequestId),
});
export const PingMessage = Type.Object({
  action: Type.Literal('ping'),
  requestId: Type.Optional(RequestId),
});
/** Added action: store a snippet and get a short, content-addressed id for a share link. */
export const ShareMessage = Type.Object({
  action: Type.Literal('share'),
  requestId: RequestId,
  language: Language,
  code: Type.String(),
  stdin: Type.Optional(Type.String()),
});
/** Added action: load a shared snippet by id. */
export const LoadMessage = Type.Object({
  action: Type.Literal('load'),
  requestId: RequestId,
  snippetId: Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' }),
});

/** Every action a client may send, with the schema of its message. */
export const CLIENT_SCHEMAS = {
  run: RunMessage,
  cancel: CancelMessage,
  resume: ResumeMessage,
  ping: PingMessage,
  share: ShareMessage,
  load: LoadMessage,
} as const satisfies Record<string, TSchema>;

export type ClientAction = keyof typeof CLIENT_SCHEMAS;
export type RunMessage = Static<typeof RunMessage>;
export type CancelMessage = Static<typeof CancelMessage>;
export type ResumeMessage = Static<typeof ResumeMessage>;
export type PingMessage = Static<typeof PingMessage>;
export type ShareMessage = Static<typeof ShareMessage>;
export type LoadMessage = Static<typeof LoadMessage>;
export type ClientMessage = RunMessage | CancelMessage | ResumeMessage | PingMessage | ShareMessage | LoadMessage;

export const Status = Type.Union([
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('timed_out'),
  Type.Literal('memory_exceeded'),
  Type.Literal('output_exceeded'),
  Type.Literal('cancelled'),
  Type.Literal('crashed'),
]);
export type Status = Static<typeof Status>;
/** Every final status, read from the schema above so the list cannot drift from it. */
export const FINAL_STATUSES: readonly Status[] = Status.anyOf.map((literal) => literal.const);

/** Every error code the service answers with; shared/src/errors.ts has a factory for each. */
export const ERROR_CODES = ['bad_frame', 'unknown_action', 'invalid_request', 'too_large', 'rate_limited', 'not_found', 'unavailable', 'internal'] as const;
export const ErrorCode = Type.Union(ERROR_CODES.map((code) => Type.Literal(code)));
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorBody = Type.Object({
  code: ErrorCode,
  message: Type.String(),
  retryAfterMs: Type.Optional(Type.Integer()),
});

export const ProgramError = Type.Object({
  name: Type.String(),
  message: Type.String(),
  stack: Type.Optional(Type.String()),
  line: Type.Optional(Type.Integer()),
  column: Type.Optional(Type.Integer()),
});
export type ProgramError = Static<typeof ProgramError>;

export const RunStats = Type.Object({
  wallMs: Type.Number(),
  cpuMs: Type.Number(),
  queuedMs: Type.Number(),
});
export type RunStats = Static<typeof RunStats>;

export const AcceptedMessage = Type.Object({
  type: Type.Literal('accepted'),
  requestId: Type.String(),
  executionId: Type.String(),
  token: Type.String(),
});
export const RejectedMessage = Type.Object({
  type: Type.Literal('rejected'),
  requestId: Type.String(),
  error: ErrorBody,
});
export const StartedMessage = Type.Object({
  type: Type.Literal('started'),
  executionId: Type.String(),
  seq: Type.Integer(),
  queuedMs: Type.Number(),
  attempt: Type.Integer(),
});
export const OutputMessage = Type.Object({
  type: Type.Literal('output'),
  executionId: Type.String(),
  seq: Type.Integer(),
  stream: Type.Union([Type.Literal('stdout'), Type.Literal('stderr')]),
  data: Type.String(),
});
export const ResultMessage = Type.Object({
  type: Type.Literal('result'),
  executionId: Type.String(),
  seq: Type.Integer(),
  status: Status,
  value: Type.Optional(Type.String()),
  error: Type.Optional(ProgramError),
  stats: RunStats,
  truncated: Type.Boolean(),
  /** Added: the code a program ended with through `process.exit(n)` or `process.exitCode` (0 for a plain end is left out). */
  exitCode: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
});
export const ErrorMessage = Type.Object({
  type: Type.Literal('error'),
  requestId: Type.Optional(Type.String()),
  executionId: Type.Optional(Type.String()),
  error: ErrorBody,
});
export const PongMessage = Type.Object({
  type: Type.Literal('pong'),
  requestId: Type.Optional(Type.String()),
});
export const SharedMessage = Type.Object({
  type: Type.Literal('shared'),
  requestId: Type.String(),
  snippetId: Type.String(),
});
export const SnippetMessage = Type.Object({
  type: Type.Literal('snippet'),
  requestId: Type.String(),
  snippetId: Type.String(),
  language: Language,
  code: Type.String(),
  stdin: Type.Optional(Type.String()),
});
/** Answer to `cancel` (and to `resume`, before the replay): the request was taken. */
export const AckMessage = Type.Object({
  type: Type.Literal('ack'),
  action: Type.String(),
  requestId: Type.Optional(Type.String()),
  executionId: Type.String(),
});

/**
 * Added form: several numbered messages of one execution in one frame, in seq order,
 * each exactly as it would come alone. A short run's `started`, output and `result`
 * arrive as one frame (one management-API post) instead of three. Every client must
 * accept it: take each of `events` as if it had arrived by itself.
 */
export const BatchMessage = Type.Object({
  type: Type.Literal('batch'),
  events: Type.Array(Type.Union([StartedMessage, OutputMessage, ResultMessage]), { minItems: 2 }),
});

export type AcceptedMessage = Static<typeof AcceptedMessage>;
export type RejectedMessage = Static<typeof RejectedMessage>;
export type StartedMessage = Static<typeof StartedMessage>;
export type OutputMessage = Static<typeof OutputMessage>;
export type ResultMessage = Static<typeof ResultMessage>;
export type ErrorMessage = Static<typeof ErrorMessage>;
export type PongMessage = Static<typeof PongMessage>;
export type SharedMessage = Static<typeof SharedMessage>;
export type SnippetMessage = Static<typeof SnippetMessage>;
export type AckMessage = Static<typeof AckMessage>;
export type BatchMessage = Static<typeof BatchMessage>;
/** Messages that belong to one execution's numbered stream. */
export type ExecutionEvent = StartedMessage | OutputMessage | ResultMessage;
export type ServerMessage =
  | AcceptedMessage | RejectedMessage | StartedMessage | OutputMessage | ResultMessage
  | ErrorMessage | PongMessage | SharedMessage | SnippetMessage | AckMessage | BatchMessage;

/** The messages a server message stands for: a batch's events, or itself. */
export const unbatch = (message: ServerMessage): ServerMessage[] => (message.type === 'batch' ? message.events : [message]);
