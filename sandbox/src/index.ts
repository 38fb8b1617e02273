/**
 * The sandbox as the worker sees it: `new SandboxPool({ size })`, `await pool.start()`,
 * `pool.run(job, onOutput, signal)`, `await pool.close()`.
 */
export { SandboxPool, type PoolJob, type PoolLogger, type SandboxPoolOptions } from './pool.ts';
export type { Sandbox, SandboxJob, SandboxOutcome, SandboxOutput } from './types.ts';
