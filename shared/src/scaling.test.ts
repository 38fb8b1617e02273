import { describe, expect, test } from 'vitest';
import { checkPolicy, decideWorkerCapacity, targetBacklogPerWorker, type ScalingObservation, type ScalingPolicy } from './scaling.ts';

const policy: ScalingPolicy = {
  minWorkers: 1,
  maxWorkers: 10,
  concurrencyPerWorker: 4,
  targetBacklogPerWorker: 20,
  scaleOutCooldownMs: 10_000,
  scaleInCooldownMs: 60_000,
};

const now = 1_000_000;
const at = (o: Partial<ScalingObservation>): ScalingObservation => ({ visibleMessages: 0, inServiceWorkers: 1, nowMs: now, ...o });

describe('targetBacklogPerWorker', () => {
  test.each([
    // acceptable latency, average run, concurrency -> messages one worker may hold
    { acceptableLatencyMs: 2000, averageRunMs: 100, concurrencyPerWorker: 4, expected: 80 },
    { acceptableLatencyMs: 1000, averageRunMs: 100, concurrencyPerWorker: 1, expected: 10 },
    { acceptableLatencyMs: 1000, averageRunMs: 300, concurrencyPerWorker: 1, expected: 3 },
    { acceptableLatencyMs: 1000, averageRunMs: 5000, concurrencyPerWorker: 4, expected: 1 },
    { acceptableLatencyMs: 500, averageRunMs: 200, concurrencyPerWorker: 8, expected: 20 },
  ])('$acceptableLatencyMs ms acceptable at $averageRunMs ms per run, $concurrencyPerWorker at once: $expected per worker', ({ expected, ...input }) => {
    expect(targetBacklogPerWorker(input)).toBe(expected);
  });

  test.each([
    { acceptableLatencyMs: 0, averageRunMs: 100, concurrencyPerWorker: 4, field: 'acceptableLatencyMs' },
    { acceptableLatencyMs: 1000, averageRunMs: -1, concurrencyPerWorker: 4, field: 'averageRunMs' },
    { acceptableLatencyMs: 1000, averageRunMs: 100, concurrencyPerWorker: 0, field: 'concurrencyPerWorker' },
    { acceptableLatencyMs: 1000, averageRunMs: 100, concurrencyPerWorker: 1.5, field: 'concurrencyPerWorker' },
  ])('rejects an impossible $field', ({ field, ...input }) => {
    expect(() => targetBacklogPerWorker(input)).toThrow(new RegExp(field));
  });
});

describe('decideWorkerCapacity', () => {
  test.each<{ name: string; o: Partial<ScalingObservation>; desired: number; action: string }>([
    { name: 'an idle fleet at its minimum holds', o: { visibleMessages: 0, inServiceWorkers: 1 }, desired: 1, action: 'hold' },
    { name: 'a backlog at the target holds', o: { visibleMessages: 20, inServiceWorkers: 1 }, desired: 1, action: 'hold' },
    { name: 'one message over the target adds a worker', o: { visibleMessages: 21, inServiceWorkers: 1 }, desired: 2, action: 'scale-out' },
    { name: 'a burst scales out in one step', o: { visibleMessages: 150, inServiceWorkers: 1 }, desired: 8, action: 'scale-out' },
    { name: 'a huge burst stops at the maximum', o: { visibleMessages: 10_000, inServiceWorkers: 2 }, desired: 10, action: 'scale-out' },
    { name: 'a drained queue scales in to the minimum', o: { visibleMessages: 0, inServiceWorkers: 6 }, desired: 1, action: 'scale-in' },
    { name: 'a smaller backlog scales in to what it needs', o: { visibleMessages: 45, inServiceWorkers: 6 }, desired: 3, action: 'scale-in' },
    { name: 'running executions keep the workers they need', o: { visibleMessages: 0, inFlightMessages: 12, inServiceWorkers: 6 }, desired: 3, action: 'scale-in' },
    { name: 'running executions alone never scale out past their need', o: { visibleMessages: 0, inFlightMessages: 4, inServiceWorkers: 1 }, desired: 1, action: 'hold' },
    { name: 'no workers and a backlog starts one', o: { visibleMessages: 1, inServiceWorkers: 0 }, desired: 1, action: 'scale-out' },
    { name: 'a fleet below its minimum is raised at once', o: { visibleMessages: 0, inServiceWorkers: 0 }, desired: 1, action: 'scale-out' },
    { name: 'a fleet above its maximum is lowered at once', o: { visibleMessages: 10_000, inServiceWorkers: 14 }, desired: 10, action: 'scale-in' },
  ])('$name', ({ o, desired, action }) => {
    const decision = decideWorkerCapacity(policy, at(o));
    expect(decision).toMatchObject({ desired, action });
    expect(decision.reason).toMatch(/backlog/);
  });

  test.each<{ name: string; o: Partial<ScalingObservation>; desired: number; reason: RegExp }>([
    { name: 'a scale-out waits out the scale-out cooldown', o: { visibleMessages: 100, inServiceWorkers: 2, lastScaleOutAtMs: now - 4000 }, desired: 2, reason: /scale-out cooling down for 6 s/ },
    { name: 'a scale-out after the cooldown goes ahead', o: { visibleMessages: 100, inServiceWorkers: 2, lastScaleOutAtMs: now - 10_000 }, desired: 5, reason: /2 -> 5/ },
    { name: 'a recent scale-in does not delay a scale-out', o: { visibleMessages: 100, inServiceWorkers: 2, lastScaleInAtMs: now - 1000 }, desired: 5, reason: /2 -> 5/ },
    { name: 'a scale-in waits out the scale-in cooldown after a scale-out', o: { visibleMessages: 0, inServiceWorkers: 5, lastScaleOutAtMs: now - 30_000 }, desired: 5, reason: /scale-in cooling down for 30 s/ },
    { name: 'a scale-in waits out the scale-in cooldown after a scale-in', o: { visibleMessages: 0, inServiceWorkers: 5, lastScaleInAtMs: now - 59_500 }, desired: 5, reason: /scale-in cooling down for 1 s/ },
    { name: 'a scale-in after the cooldown goes ahead', o: { visibleMessages: 0, inServiceWorkers: 5, lastScaleOutAtMs: now - 120_000, lastScaleInAtMs: now - 60_000 }, desired: 1, reason: /5 -> 1/ },
    { name: 'a fleet below its minimum ignores cooldowns', o: { visibleMessages: 0, inServiceWorkers: 0, lastScaleInAtMs: now - 1 }, desired: 1, reason: /below minimum/ },
  ])('$name', ({ o, desired, reason }) => {
    const decision = decideWorkerCapacity(policy, at(o));
    expect(decision.desired).toBe(desired);
    expect(decision.reason).toMatch(reason);
  });

  test('reports the metric target tracking holds: visible messages per in-service worker', () => {
    expect(decideWorkerCapacity(policy, at({ visibleMessages: 30, inServiceWorkers: 4 })).backlogPerWorker).toBe(7.5);
    expect(decideWorkerCapacity(policy, at({ visibleMessages: 30, inServiceWorkers: 0 })).backlogPerWorker).toBe(30);
  });

  test('agrees with target tracking: desired = ceil(visible / target) within the bounds', () => {
    for (let visible = 0; visible <= 400; visible += 7) {
      const { wanted } = decideWorkerCapacity(policy, at({ visibleMessages: visible, inServiceWorkers: 3 }));
      expect(wanted).toBe(Math.ceil(visible / policy.targetBacklogPerWorker));
    }
  });

  test('a fleet allowed to reach zero goes to zero when idle', () => {
    const decision = decideWorkerCapacity({ ...policy, minWorkers: 0 }, at({ visibleMessages: 0, inServiceWorkers: 2 }));
    expect(decision).toMatchObject({ desired: 0, action: 'scale-in' });
  });

  test.each([
    { change: { minWorkers: -1 }, field: 'minWorkers' },
    { change: { maxWorkers: 0 }, field: 'maxWorkers' },
    { change: { minWorkers: 5, maxWorkers: 2 }, field: 'maxWorkers' },
    { change: { concurrencyPerWorker: 0 }, field: 'concurrencyPerWorker' },
    { change: { targetBacklogPerWorker: 0 }, field: 'targetBacklogPerWorker' },
    { change: { scaleInCooldownMs: -5 }, field: 'scaleInCooldownMs' },
  ])('rejects a policy with an impossible $field', ({ change, field }) => {
    expect(() => checkPolicy({ ...policy, ...change })).toThrow(new RegExp(field));
  });

  test.each([
    { o: { visibleMessages: -1 }, field: 'visibleMessages' },
    { o: { visibleMessages: 1.5 }, field: 'visibleMessages' },
    { o: { inServiceWorkers: -2 }, field: 'inServiceWorkers' },
    { o: { inFlightMessages: Number.NaN }, field: 'inFlightMessages' },
    { o: { nowMs: Number.NaN }, field: 'nowMs' },
  ])('rejects an observation with an impossible $field', ({ o, field }) => {
    expect(() => decideWorkerCapacity(policy, at(o))).toThrow(new RegExp(field));
  });
});
