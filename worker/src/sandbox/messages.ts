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
  /** `memoryLimit`: the child's RLIMIT_DATA, or why it has none (then no WebAssembly). */
  | { type: 'ready'; memoryLimit: { dataBytes: number } | { unavailable: string } }
  | { type: 'output'; executionId: string; stream: 'stdout' | 'stderr'; data: string }
  /** `retiring`: the child exits after this (it grew near its memory limit); send it nothing more. */
  | { type: 'result'; executionId: string; outcome: SandboxOutcome; retiring?: boolean };

/** Options the pool passes to its children (as one JSON argument). */
export interface ChildOptions {
  warmIsolates: number;
  cpuLimitMs: number;
  maxTimers: number;
  /** RLIMIT_DATA room over what the child holds when ready (memory-limit.ts). */
  dataHeadroomMb: number;
}
