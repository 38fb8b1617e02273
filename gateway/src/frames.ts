/**
 * Turns one WebSocket frame into a checked client message, or a ProtocolError that says
 * exactly what was wrong (which field, which limit). Never throws anything else.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { CLIENT_SCHEMAS, LIMITS, errors, type ClientAction, type ClientMessage } from '@playground/shared';

import type { TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';

const CHECKS: Record<ClientAction, TypeCheck<TSchema>> = Object.fromEntries(
  Object.entries(CLIENT_SCHEMAS).map(([action, schema]) => [action, TypeCompiler.Compile(schema as TSchema)]),
) as unknown as Record<ClientAction, TypeCheck<TSchema>>;

const isAction = (value: unknown): value is ClientAction => typeof value === 'string' && Object.hasOwn(CHECKS, value);

export function parseFrame(data: string | Buffer, binary: boolean): ClientMessage {
  if (binary) throw errors.badFrame('binary frames are not accepted');
  const text = typeof data === 'string' ? data : data.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw errors.badFrame('it is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errors.badFrame(`it is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}, not an object`);
  }
  const action = (value as { action?: unknown }).action;
  if (action === undefined) throw errors.missingAction();
  if (!isAction(action)) throw errors.unknownAction(JSON.stringify(action).slice(0, 80));
  const check = CHECKS[action];
  if (!check.Check(value)) {
    const first = check.Errors(value).First();
    const field = first?.path.replace(/^\//, '').replace(/\//g, '.') || 'message';
    const got = first && first.value !== undefined ? ` (got ${JSON.stringify(first.value)?.slice(0, 40)})` : '';
    throw errors.invalidRequest(`Field "${field}" is invalid: ${first?.message ?? 'does not match the schema'}${got}.`);
  }
  const message = value as ClientMessage;
  if (message.action === 'run' || message.action === 'share') {
    checkSize('code', message.code, LIMITS.maxCodeBytes);
    if (message.stdin !== undefined) checkSize('stdin', message.stdin, LIMITS.maxStdinBytes);
  }
  return message;
}

function checkSize(field: string, text: string, max: number): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > max) {
    throw errors.tooLarge(field, bytes, max);
  }
}
