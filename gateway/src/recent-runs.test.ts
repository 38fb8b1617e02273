import { describe, expect, it } from 'vitest';
import { RECENT_WINDOW_MS, RecentRuns } from './recent-runs.ts';

describe('recent runs per socket', () => {
  it.each([
    // runs at these times (ms), then one at `at`: how many came before it in the window
    [[], 0, 0],
    [[0, 10, 20], 30, 3],
    [[0, 10, 20], RECENT_WINDOW_MS + 5, 2],
    [[0, 10, 20], RECENT_WINDOW_MS + 25, 0],
  ])('after runs at %j, a run at %d finds %d before it', (times, at, expected) => {
    const recent = new RecentRuns(16);
    for (const t of times) recent.note('s', t);
    expect(recent.note('s', at)).toBe(expected);
  });

  it('keeps no more than the cap for a socket, and nothing once it is forgotten', () => {
    const recent = new RecentRuns(4);
    for (let i = 0; i < 100; i++) recent.note('s', i);
    expect(recent.note('s', 100)).toBe(4);
    recent.forget('s');
    expect(recent.size).toBe(0);
    expect(recent.note('s', 101)).toBe(0);
  });

  it('counts each socket on its own', () => {
    const recent = new RecentRuns(16);
    recent.note('a', 0);
    recent.note('a', 1);
    expect(recent.note('b', 2)).toBe(0);
    expect(recent.note('a', 3)).toBe(2);
  });
});
