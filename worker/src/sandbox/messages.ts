/**
 * Messages over the IPC channel between the SandboxPool (in the worker) and a sandbox
 * child. Plain data only; each side checks what it receives.
 */
import type { ExecutorJob } from './executor.ts';
import type { SandboxOutcome } from './types.ts';

export type ToChild =
  | { type: 'run'; job: ExecutorJob }
  | { type: 'cancel'; executionId: string };

export type FromChild =
  | { type: 'ready' }
  | { type: 'output'; executionId: string; stream: 'stdout' | 'stderr'; data: string }
  | { type: 'result'; executionId: string; outcome: SandboxOutcome };

/** Options the pool passes to its children (as one JSON argument). */
export interface ChildOptions {
  warmIsolates: number;
  cpuLimitMs: number;
  maxTimers: number;
}
