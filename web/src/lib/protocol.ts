/**
 * The wire protocol as the browser sees it. Types come from `@playground/client` (which
 * takes them, type-only, from the protocol's schemas: nothing from the server packages
 * enters the bundle); LIMITS is a pure module, safe to bundle, so the settings popover
 * offers exactly the server's ranges.
 */
export type {
  AcceptedMessage,
  AckMessage,
  ClientMessage,
  ErrorMessage,
  ExecutionEvent,
  Language,
  OutputMessage,
  ProgramError,
  RejectedMessage,
  ResultMessage,
  RunStats,
  ServerMessage,
  SharedMessage,
  SnippetMessage,
  StartedMessage,
  Status,
} from '@playground/client';
export { LIMITS } from '@playground/shared/limits';
