/**
 * The protocol's messages as the client sees them. Types come from the TypeBox schemas in
 * `@playground/shared/protocol` (type-only: nothing of the server's packages is bundled),
 * `batch` frames (several events of one execution) are read as the events they hold.
 */
import type { ServerMessage } from '@playground/shared/protocol';

export type {
  AcceptedMessage,
  AckMessage,
  BatchMessage,
  ClientMessage,
  ErrorMessage,
  ExecutionEvent,
  Language,
  OutputMessage,
  PongMessage,
  ProgramError,
  RejectedMessage,
  ResultMessage,
  RunMessage,
  RunStats,
  ServerMessage,
  SharedMessage,
  SnippetMessage,
  StartedMessage,
  Status,
} from '@playground/shared/protocol';

/**
 * Reads one text frame into the messages it carries, in order: one, several (a batch) or
 * none (not JSON, not an object). Unknown types pass through; callers ignore them.
 */
export function decodeFrame(data: unknown): ServerMessage[] {
  if (typeof data !== 'string') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return [];
  }
  if (!isMessage(parsed)) return [];
  if (parsed.type === 'batch') {
    const inner = (parsed as { events?: unknown }).events;
    return Array.isArray(inner) ? inner.filter(isMessage) : [];
  }
  return [parsed];
}

function isMessage(value: unknown): value is ServerMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
