import { describe, expect, it } from 'vitest';
import { hashToken, newConnectionId, newExecutionId, newToken, snippetIdFor, tokenMatches } from './ids.ts';

describe('ids', () => {
  it('execution ids are prefixed and unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, newExecutionId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^ex_[0-9A-Za-z]{20}$/);
  });
  it('connection ids look like API Gateway ones', () => {
    expect(newConnectionId()).toMatch(/^[0-9A-Za-z]{16}$/);
  });
  it('a token matches only its own hash', () => {
    const token = newToken();
    expect(tokenMatches(token, hashToken(token))).toBe(true);
    expect(tokenMatches(newToken(), hashToken(token))).toBe(false);
    expect(tokenMatches(token, undefined)).toBe(false);
    expect(tokenMatches(token, 'abcd')).toBe(false);
  });
  it('a snippet id is the address of its content', () => {
    expect(snippetIdFor('javascript', 'x')).toBe(snippetIdFor('javascript', 'x'));
    expect(snippetIdFor('javascript', 'x')).not.toBe(snippetIdFor('typescript', 'x'));
    expect(snippetIdFor('javascript', 'x')).toMatch(/^[0-9A-Za-z]{10}$/);
  });
});
