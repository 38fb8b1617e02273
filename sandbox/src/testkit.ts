/** Helpers shared by the sandbox's tests. */
import type { PoolJob, SandboxPool } from './pool.ts';
import type { SandboxOutcome } from './types.ts';

let counter = 0;

export function job(code: string, extra: Partial<PoolJob> = {}): PoolJob {
  return {
    executionId: `ex_test_${++counter}`,
    language: 'javascript',
    code,
    stdin: '',
    timeoutMs: 5_000,
    memoryMb: 64,
    maxOutputBytes: 1024 * 1024,
    ...extra,
  };
}

export interface Collected {
  outcome: SandboxOutcome;
  stdout: string;
  stderr: string;
  /** Both streams interleaved in the order they were printed. */
  all: string;
}

export async function collect(pool: SandboxPool, code: string, extra: Partial<PoolJob> = {}, signal?: AbortSignal): Promise<Collected> {
  let stdout = '';
  let stderr = '';
  let all = '';
  const outcome = await pool.run(job(code, extra), (chunk) => {
    if (chunk.stream === 'stdout') stdout += chunk.data;
    else stderr += chunk.data;
    all += chunk.data;
  }, signal);
  return { outcome, stdout, stderr, all };
}
