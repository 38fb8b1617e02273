import { describe, expect, it } from 'vitest';
import type { ExecutionEvent } from './protocol.ts';
import { LIMITS } from './limits.ts';
import { packFrames } from './delivery.ts';

const output = (seq: number, data: string): ExecutionEvent => ({ type: 'output', executionId: 'ex', seq, stream: 'stdout', data });

describe('packing messages into frames', () => {
  it('sends one message as itself and several small ones as one batch, in order', () => {
    expect(packFrames([output(1, 'a')])).toEqual([output(1, 'a')]);
    expect(packFrames([output(1, 'a'), output(2, 'b')])).toEqual([{ type: 'batch', events: [output(1, 'a'), output(2, 'b')] }]);
  });

  it('never makes a frame larger than the limit, counted in UTF-8 bytes', () => {
    const events = Array.from({ length: 12 }, (_, i) => output(i + 1, '€'.repeat(2000 + i * 300)));
    const frames = packFrames(events);
    expect(frames.length).toBeGreaterThan(1);
    for (const frame of frames) expect(Buffer.byteLength(JSON.stringify(frame))).toBeLessThanOrEqual(LIMITS.maxPostBytes);
    const flat = frames.flatMap((f) => (f.type === 'batch' ? f.events : [f]));
    expect(flat).toEqual(events);
  });
});
