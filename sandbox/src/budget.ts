/**
 * The host's side of a run's budget: how big each thing a program hands over may be, and
 * how text is cut to it. The isolate cuts first (prelude.js, same rules, so a 100 MB
 * string never leaves it); these functions are the backstop in the child (executor) and
 * the worker (pool), which must hold whatever the runtime in the isolate says.
 *
 * Hand-written because no library measures text the way the frame does: JSON-escaped
 * UTF-8 bytes. Buffer.byteLength(JSON.stringify(s)) copies the whole string to learn
 * where to cut it (100 MB to 16 KiB: 320 ms, against 2 ms here, which reads only the
 * kept prefix and the marker).
 */
import { LIMITS, type ProgramError } from '@playground/shared';

/** The result fields a program controls, with their limits (bytes of JSON encoding). */
export const FIELD_LIMITS = {
  value: LIMITS.maxValueBytes,
  name: LIMITS.maxErrorNameBytes,
  message: LIMITS.maxErrorMessageBytes,
  stack: LIMITS.maxErrorStackBytes,
} as const;

/**
 * Appended where text was cut; counts what was left out in JavaScript string length
 * (UTF-16 code units), which the isolate knows without reading the rest.
 */
export const marker = (dropped: number): string => `… [truncated: ${dropped} more characters]`;
const MARKER_AT_END = /… \[truncated: (\d+) more characters\]$/;

/** The longest prefix (in UTF-16 units) whose JSON encoding fits in `maxBytes`; never splits a surrogate pair. */
export function jsonPrefix(text: string, maxBytes: number): number {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    let size: number;
    let width = 1;
    if (c === 0x22 || c === 0x5c) size = 2;
    else if (c < 0x20) size = c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c < 0x80) size = 1;
    else if (c < 0x800) size = 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) { size = 4; width = 2; } else size = 6;
    } else if (c >= 0xdc00 && c <= 0xdfff) size = 6; // a lone low surrogate: JSON writes \udxxx
    else size = 3;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += width;
  }
  return i;
}

function jsonCost(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}

/**
 * `text` if its JSON encoding fits in `maxBytes`, else its longest fitting prefix with a
 * marker saying how much was left out (the marker included in `maxBytes`). Text already
 * cut by the isolate keeps one marker with the two counts added up.
 */
export function cutField(text: string, maxBytes: number): { text: string; cut: boolean } {
  if (jsonPrefix(text, maxBytes) === text.length) return { text, cut: false };
  let body = text;
  let dropped = 0;
  const earlier = MARKER_AT_END.exec(text.slice(-64));
  if (earlier) {
    body = text.slice(0, text.length - earlier[0].length);
    dropped = Number(earlier[1]);
  }
  const room = Math.max(0, maxBytes - jsonCost(marker(text.length + dropped)));
  const keep = jsonPrefix(body, room);
  return { text: body.slice(0, keep) + marker(body.length - keep + dropped), cut: true };
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`. */
export function cutUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += cp > 0xffff ? 2 : 1;
  }
  return text.slice(0, i);
}

/**
 * Cuts the program's completion value and error to their limits and to what is left of
 * the run's output budget, in that order (value or name, message, stack). Returns the
 * bytes they took from the budget and whether anything was cut.
 */
export function fitResult(
  result: { value?: string | undefined; error?: ProgramError | undefined },
  budgetLeft: number,
): { used: number; cut: boolean } {
  let left = Math.max(0, budgetLeft);
  let cut = false;
  const fit = (text: string, limit: number): string => {
    const r = cutField(text, Math.min(limit, left));
    cut ||= r.cut;
    left = Math.max(0, left - Buffer.byteLength(r.text));
    return r.text;
  };
  if (result.value !== undefined) result.value = fit(result.value, FIELD_LIMITS.value);
  if (result.error) {
    result.error.name = fit(result.error.name, FIELD_LIMITS.name);
    result.error.message = fit(result.error.message, FIELD_LIMITS.message);
    if (result.error.stack !== undefined) result.error.stack = fit(result.error.stack, FIELD_LIMITS.stack);
  }
  return { used: Math.max(0, budgetLeft) - left, cut };
}
