/**
 * How a program's exit code becomes an outcome: `process.exit(n)` or `process.exitCode`.
 * Code 0 is a success; any other code is a failure whose error says which code, as a
 * shell would show it, and `exitCode` carries the number.
 */
import type { SandboxOutcome } from './types.ts';

type Base = Pick<SandboxOutcome, 'wallMs' | 'cpuMs' | 'truncated'>;

export function exitOutcome(code: number, base: Base): SandboxOutcome {
  if (code === 0) return { status: 'succeeded', exitCode: 0, ...base };
  return {
    status: 'failed',
    exitCode: code,
    error: { name: 'ExitCode', message: `The program exited with code ${code}.` },
    ...base,
  };
}

/** The exit code a finished run's report carries (process.exitCode), if any. Untrusted text. */
export function reportedExitCode(report: unknown): number | null {
  if (typeof report !== 'string' || !report.includes('"exitCode"')) return null;
  try {
    const code = (JSON.parse(report) as { exitCode?: unknown }).exitCode;
    return typeof code === 'number' && Number.isInteger(code) && code > 0 && code < 256 ? code : null;
  } catch {
    return null;
  }
}
