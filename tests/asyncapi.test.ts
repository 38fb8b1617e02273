/**
 * docs/asyncapi.json is the protocol's machine-readable contract: valid AsyncAPI 3, and
 * exactly what the TypeBox schemas generate today (run `npm run asyncapi` after changing them).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Parser } from '@asyncapi/parser';
import { ASYNCAPI_PATH, asyncApiText } from '../scripts/asyncapi.ts';

describe('the AsyncAPI document', () => {
  it('is what the protocol schemas generate; run `npm run asyncapi` if this fails', () => {
    expect(readFileSync(ASYNCAPI_PATH, 'utf8')).toBe(asyncApiText());
  });

  it('is a valid AsyncAPI 3 document, without errors or warnings, naming every action and message type', async () => {
    const { document, diagnostics } = await new Parser().parse(readFileSync(ASYNCAPI_PATH, 'utf8'));
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    const names = document!.messages().all().map((m) => m.name());
    for (const tag of ['run', 'cancel', 'resume', 'ping', 'share', 'load', 'accepted', 'rejected', 'started', 'output', 'result', 'error', 'pong', 'shared', 'snippet', 'ack']) {
      expect(names).toContain(tag);
    }
  });
});
