/**
 * The seed's design as a baseline, simulated in virtual time (nothing sleeps): the
 * client polls for its result every 5 s; each worker receives one message, runs it, then
 * sleeps 10 s before its next receive (also after an empty receive); the queue is FIFO
 * with one message group, so the whole fleet runs one message at a time. A run itself
 * costs `serviceMs` (we pass the push design's measured hello world, which flatters the
 * baseline: its own path has the same store and queue calls). Enqueueing and polling
 * requests cost nothing here, which also flatters it.
 */
import { summarize, type Summary } from './lib.ts';

export interface PollingModel {
  runs: number;
  serviceMs: number;
  workers: number;
  clientPollMs?: number;
  workerSleepMs?: number;
  seed?: number;
}

export interface PollingResult {
  model: string;
  /** Hello world submitted one at a time (idle system), submit -> client sees the result. */
  latency: Summary;
  /** With a queue that never empties: completions per second for the whole fleet. */
  saturatedRunsPerSecond: number;
}

/** A small deterministic PRNG (mulberry32), so the baseline is the same every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function simulatePolling(model: PollingModel): PollingResult {
  const poll = model.clientPollMs ?? 5_000;
  const sleep = model.workerSleepMs ?? 10_000;
  const rand = random(model.seed ?? 7);
  const S = model.serviceMs;

  // Idle: one run at a time; workers keep their own receive schedules throughout.
  const nextReceive = Array.from({ length: model.workers }, () => rand() * sleep);
  const latencies: number[] = [];
  let t = rand() * sleep;
  for (let i = 0; i < model.runs; i++) {
    // Empty receives until the message is there: each worker skips ahead in whole sleeps.
    for (let w = 0; w < nextReceive.length; w++) {
      if (nextReceive[w]! < t) nextReceive[w]! += Math.ceil((t - nextReceive[w]!) / sleep) * sleep;
    }
    const w = nextReceive.indexOf(Math.min(...nextReceive));
    const taken = nextReceive[w]!;
    const done = taken + S;
    nextReceive[w] = done + sleep;
    const seen = t + Math.ceil((done - t) / poll) * poll;
    latencies.push(seen - t);
    // The next run is typed a moment (uniformly 0-5 s) after the last result was seen.
    t = seen + rand() * poll;
  }

  // Saturated: one message group, so a receive finds work only if nothing is in flight.
  const horizon = 3_600_000;
  const receiveAt = Array.from({ length: model.workers }, () => rand() * sleep);
  let busyUntil = 0;
  let completed = 0;
  for (;;) {
    const w = receiveAt.indexOf(Math.min(...receiveAt));
    const now = receiveAt[w]!;
    if (now > horizon) break;
    if (now >= busyUntil) {
      busyUntil = now + S;
      completed += 1;
      receiveAt[w] = now + S + sleep;
    } else {
      receiveAt[w] = now + sleep;
    }
  }
  return {
    model: `simulated in virtual time: client polls every ${poll / 1000} s, ${model.workers} worker(s) sleep ${sleep / 1000} s between receives, one FIFO group, run cost ${S} ms`,
    latency: summarize(latencies),
    saturatedRunsPerSecond: Math.round((completed / (horizon / 1000)) * 1000) / 1000,
  };
}
