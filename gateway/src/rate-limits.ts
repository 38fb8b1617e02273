/**
 * Abuse limits kept by each gateway process: token buckets for `run` per socket and per
 * source address, and a cap on sockets per address. A gateway fleet multiplies the
 * per-address figures by its size; API Gateway's stage throttling bounds the total.
 */
import { errors } from '@playground/shared';
import type { Caller } from './handlers.ts';

export interface RateLimitOptions {
  /** Sustained runs per second per socket, and the burst a socket may spend at once. */
  runsPerSecondPerSocket: number;
  runBurstPerSocket: number;
  runsPerSecondPerAddress: number;
  runBurstPerAddress: number;
  sharesPerMinutePerSocket: number;
  connectionsPerAddress: number;
  /** Queued + running executions one socket may have at once (counted in the store). */
  activeRunsPerSocket: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  runsPerSecondPerSocket: 10,
  runBurstPerSocket: 20,
  runsPerSecondPerAddress: 50,
  runBurstPerAddress: 100,
  sharesPerMinutePerSocket: 30,
  connectionsPerAddress: 200,
  activeRunsPerSocket: 16,
};

class TokenBucket {
  tokens: number;
  updatedAt: number;
  readonly rate: number;
  readonly burst: number;
  constructor(rate: number, burst: number, now: number) {
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
    this.updatedAt = now;
  }
  /** Takes one token, or returns how many ms until one is there. */
  take(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }
  full(now: number): boolean {
    return Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.rate) >= this.burst;
  }
}

export class RateLimits {
  readonly options: RateLimitOptions;
  readonly now: () => number;
  readonly #runsBySocket = new Map<string, TokenBucket>();
  readonly #runsByAddress = new Map<string, TokenBucket>();
  readonly #sharesBySocket = new Map<string, TokenBucket>();
  readonly #socketsByAddress = new Map<string, number>();

  constructor(options: Partial<RateLimitOptions> = {}, now: () => number = Date.now) {
    this.options = { ...DEFAULT_RATE_LIMITS, ...options };
    for (const [key, value] of Object.entries(this.options)) {
      if (!(typeof value === 'number' && value > 0)) throw new Error(`Rate limit ${key} must be a positive number, got ${value}.`);
    }
    this.now = now;
  }

  #bucket(map: Map<string, TokenBucket>, key: string, rate: number, burst: number): TokenBucket {
    let bucket = map.get(key);
    if (!bucket) {
      bucket = new TokenBucket(rate, burst, this.now());
      map.set(key, bucket);
    }
    return bucket;
  }

  takeRun(caller: Caller): void {
    const o = this.options;
    const now = this.now();
    const socketWait = this.#bucket(this.#runsBySocket, caller.connectionId, o.runsPerSecondPerSocket, o.runBurstPerSocket).take(now);
    if (socketWait > 0) throw errors.rateLimited(`more than ${o.runsPerSecondPerSocket} runs/s on this socket`, socketWait);
    const addressWait = this.#bucket(this.#runsByAddress, caller.sourceIp, o.runsPerSecondPerAddress, o.runBurstPerAddress).take(now);
    if (addressWait > 0) throw errors.rateLimited(`more than ${o.runsPerSecondPerAddress} runs/s from your address`, addressWait);
  }

  takeShare(caller: Caller): void {
    const perSecond = this.options.sharesPerMinutePerSocket / 60;
    const wait = this.#bucket(this.#sharesBySocket, caller.connectionId, perSecond, this.options.sharesPerMinutePerSocket).take(this.now());
    if (wait > 0) throw errors.rateLimited(`more than ${this.options.sharesPerMinutePerSocket} shares/min on this socket`, wait);
  }

  /** Sockets per address are counted where sockets end: the local edge (API Gateway throttles its own). */
  admitSocket(sourceIp: string): void {
    const count = this.#socketsByAddress.get(sourceIp) ?? 0;
    if (count >= this.options.connectionsPerAddress) {
      throw errors.rateLimited(`more than ${this.options.connectionsPerAddress} open sockets from your address`, 1000);
    }
    this.#socketsByAddress.set(sourceIp, count + 1);
  }

  releaseSocket(sourceIp: string): void {
    const count = (this.#socketsByAddress.get(sourceIp) ?? 1) - 1;
    if (count <= 0) this.#socketsByAddress.delete(sourceIp);
    else this.#socketsByAddress.set(sourceIp, count);
  }

  forget(caller: Caller): void {
    this.#runsBySocket.delete(caller.connectionId);
    this.#sharesBySocket.delete(caller.connectionId);
    // Address buckets that refilled carry no information; dropping them bounds memory.
    const now = this.now();
    for (const [ip, bucket] of this.#runsByAddress) if (bucket.full(now)) this.#runsByAddress.delete(ip);
  }
}
