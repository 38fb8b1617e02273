/**
 * How many workers the fleet should run, decided by one pure function. The local
 * autoscaler calls it every tick; the Pulumi program derives its target-tracking target
 * from `targetBacklogPerWorker`, so a laptop and AWS scale on the same arithmetic.
 *
 * The policy is AWS's recommendation for SQS consumers: keep the backlog per instance
 * (visible messages / in-service workers) at a target equal to how many messages one
 * worker can clear within the queueing delay we accept. Target tracking then wants
 * `ceil(visible / target)` instances, which is what `decideWorkerCapacity` computes,
 * plus the min/max bounds and cooldowns an Auto Scaling group applies.
 */

/**
 * The planning figures both fleets scale on unless told otherwise: a message may wait
 * about a second, and a run takes about 200 ms (most take a few ms; the long ones hold a
 * slot for seconds). 1000 / 200 x 4 at once: 20 visible messages per worker. The local
 * autoscaler uses them as they are; the Pulumi program as the defaults of its
 * `acceptableQueueLatencyMs` and `averageRunMs` settings.
 */
export const SCALING_PLAN = { acceptableLatencyMs: 1_000, averageRunMs: 200 } as const;

export interface BacklogTargetInput {
  /** The longest a message may wait in the queue before a worker picks it up. */
  acceptableLatencyMs: number;
  /** Average wall-clock time of one execution (measured, or a planning estimate). */
  averageRunMs: number;
  /** Executions one worker runs at once (WORKER_CONCURRENCY). */
  concurrencyPerWorker: number;
}

/**
 * The backlog one worker may hold: the messages it clears within the acceptable
 * latency, `floor(acceptableLatencyMs / averageRunMs * concurrencyPerWorker)`, at
 * least 1 (a target of 0 would ask for infinitely many workers).
 *
 * Example: 2 s acceptable, 100 ms per run, 4 at once: 80 messages per worker.
 */
export function targetBacklogPerWorker(input: BacklogTargetInput): number {
  const { acceptableLatencyMs, averageRunMs, concurrencyPerWorker } = input;
  requirePositive('acceptableLatencyMs', acceptableLatencyMs);
  requirePositive('averageRunMs', averageRunMs);
  requireWhole('concurrencyPerWorker', concurrencyPerWorker, 1);
  return Math.max(1, Math.floor((acceptableLatencyMs / averageRunMs) * concurrencyPerWorker));
}

export interface ScalingPolicy {
  /** Never fewer workers than this (0 lets an idle fleet go to zero). */
  minWorkers: number;
  /** Never more workers than this. */
  maxWorkers: number;
  /** Executions one worker runs at once; bounds scale-in below running work. */
  concurrencyPerWorker: number;
  /** Visible messages one worker may hold; see `targetBacklogPerWorker`. */
  targetBacklogPerWorker: number;
  /** After a scale-out, no further scale-out for this long (new workers need time to start). */
  scaleOutCooldownMs: number;
  /** After any change, no scale-in for this long, so a burst's tail does not flap the fleet. */
  scaleInCooldownMs: number;
}

export interface ScalingObservation {
  /** Messages waiting in the queue (SQS ApproximateNumberOfMessages / ...Visible). */
  visibleMessages: number;
  /** Messages being run now (ApproximateNumberOfMessagesNotVisible); 0 if unknown. */
  inFlightMessages?: number;
  /** Workers running and taking messages now (GroupInServiceInstances). */
  inServiceWorkers: number;
  /** The clock, in milliseconds (Date.now() or a test's fake time). */
  nowMs: number;
  /** When the last scale-out was decided, if ever. */
  lastScaleOutAtMs?: number;
  /** When the last scale-in was decided, if ever. */
  lastScaleInAtMs?: number;
}

export type ScalingAction = 'scale-out' | 'scale-in' | 'hold';

export interface ScalingDecision {
  /** Workers to run from now on. */
  desired: number;
  action: ScalingAction;
  /** What the backlog alone asks for, before bounds and cooldowns. */
  wanted: number;
  /** visible / in-service workers (visible if none are in service): the metric target tracking holds. */
  backlogPerWorker: number;
  /** One line for the autoscaler's log. */
  reason: string;
}

/**
 * Decides the fleet's desired size.
 *
 * 1. wanted = max(ceil(visible / target), ceil(inFlight / concurrency)): enough workers
 *    to hold the backlog at the target, and never fewer than the running executions
 *    need (scale-in drains workers, it should not strand work it just started).
 * 2. desired = wanted clamped to [minWorkers, maxWorkers].
 * 3. A fleet outside its bounds is corrected at once; otherwise a scale-out waits out
 *    the scale-out cooldown since the last scale-out, and a scale-in waits out the
 *    scale-in cooldown since the last change in either direction.
 *
 * Pure: same inputs, same decision. Throws RangeError on impossible inputs.
 */
export function decideWorkerCapacity(policy: ScalingPolicy, observation: ScalingObservation): ScalingDecision {
  checkPolicy(policy);
  const { visibleMessages, inServiceWorkers, nowMs } = observation;
  const inFlight = observation.inFlightMessages ?? 0;
  requireWhole('visibleMessages', visibleMessages, 0);
  requireWhole('inFlightMessages', inFlight, 0);
  requireWhole('inServiceWorkers', inServiceWorkers, 0);
  if (!Number.isFinite(nowMs)) throw new RangeError(`nowMs must be a finite number, got ${nowMs}.`);

  const forBacklog = Math.ceil(visibleMessages / policy.targetBacklogPerWorker);
  const forRunning = Math.ceil(inFlight / policy.concurrencyPerWorker);
  const wanted = Math.max(forBacklog, forRunning);
  const bounded = Math.min(policy.maxWorkers, Math.max(policy.minWorkers, wanted));
  const backlogPerWorker = inServiceWorkers > 0 ? visibleMessages / inServiceWorkers : visibleMessages;
  const current = inServiceWorkers;
  const because = `backlog ${visibleMessages} (${round(backlogPerWorker)}/worker, target ${policy.targetBacklogPerWorker}), ${inFlight} running: wants ${wanted}`;
  const decision = (desired: number, reason: string): ScalingDecision => ({
    desired,
    action: desired > current ? 'scale-out' : desired < current ? 'scale-in' : 'hold',
    wanted,
    backlogPerWorker,
    reason,
  });

  if (current < policy.minWorkers) return decision(bounded, `${because}; below minimum ${policy.minWorkers}`);
  if (current > policy.maxWorkers) return decision(bounded, `${because}; above maximum ${policy.maxWorkers}`);
  if (bounded === current) return decision(current, `${because}; ${current} is right`);

  if (bounded > current) {
    const wait = remaining(observation.lastScaleOutAtMs, policy.scaleOutCooldownMs, nowMs);
    if (wait > 0) return decision(current, `${because}; scale-out cooling down for ${seconds(wait)}`);
    return decision(bounded, `${because}; ${current} -> ${bounded}`);
  }
  const lastChange = latest(observation.lastScaleOutAtMs, observation.lastScaleInAtMs);
  const wait = remaining(lastChange, policy.scaleInCooldownMs, nowMs);
  if (wait > 0) return decision(current, `${because}; scale-in cooling down for ${seconds(wait)}`);
  return decision(bounded, `${because}; ${current} -> ${bounded}`);
}

/** Throws a RangeError naming the field if the policy cannot be applied. */
export function checkPolicy(policy: ScalingPolicy): void {
  requireWhole('minWorkers', policy.minWorkers, 0);
  requireWhole('maxWorkers', policy.maxWorkers, 1);
  if (policy.maxWorkers < policy.minWorkers) {
    throw new RangeError(`maxWorkers (${policy.maxWorkers}) must be at least minWorkers (${policy.minWorkers}).`);
  }
  requireWhole('concurrencyPerWorker', policy.concurrencyPerWorker, 1);
  requirePositive('targetBacklogPerWorker', policy.targetBacklogPerWorker);
  requireWhole('scaleOutCooldownMs', policy.scaleOutCooldownMs, 0);
  requireWhole('scaleInCooldownMs', policy.scaleInCooldownMs, 0);
}

function requireWhole(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be a whole number >= ${min}, got ${value}.`);
}

function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}.`);
}

function remaining(since: number | undefined, cooldownMs: number, nowMs: number): number {
  return since === undefined ? 0 : Math.max(0, since + cooldownMs - nowMs);
}

function latest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

const round = (n: number): number => Math.round(n * 10) / 10;
const seconds = (ms: number): string => `${Math.ceil(ms / 1000)} s`;
