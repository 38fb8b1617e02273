/**
 * Results in plain words. People should read what happened and which limit stopped
 * their program ("stopped after 5 s: wall-clock limit"), not a status code.
 */
import type { ResultMessage, RunStats } from '@playground/client';

export type Tone = 'ok' | 'error' | 'warning';

export interface Limits {
  timeoutMs: number;
  memoryMb: number;
  maxOutputBytes: number;
}

/** 340 ms, 1.2 s, 5 s, 2 min 5 s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) {
    const seconds = ms / 1000;
    const text = seconds < 10 ? seconds.toFixed(1) : Math.round(seconds).toString();
    return `${text.replace(/\.0$/, '')} s`;
  }
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

export function formatStats(stats: RunStats): string {
  return `wall ${formatDuration(stats.wallMs)} · CPU ${formatDuration(stats.cpuMs)} · queued ${formatDuration(stats.queuedMs)}`;
}

/** One sentence for the status line, and how it should look. */
export function describeResult(result: ResultMessage, limits: Limits): { text: string; tone: Tone } {
  const { stats } = result;
  switch (result.status) {
    case 'succeeded':
      return { text: `Finished in ${formatDuration(stats.wallMs)}`, tone: 'ok' };
    case 'failed': {
      const error = result.error;
      // process.exit(n) or process.exitCode: say it as a shell would, not as an error name.
      if (result.exitCode) return { text: `Exited with code ${result.exitCode} after ${formatDuration(stats.wallMs)}`, tone: 'error' };
      if (!error) return { text: 'Failed', tone: 'error' };
      // The message and stack are in the console below; the status line says what and where.
      const where = error.line ? ` at line ${error.line}${error.column ? `, column ${error.column}` : ''}` : '';
      return { text: `Failed: ${error.name}${where}`, tone: 'error' };
    }
    case 'timed_out': {
      // Both limits end as `timed_out`. The run hit the wall clock if it lasted about
      // as long as the limit; stopping well before means the CPU budget ran out first.
      if (stats.wallMs >= limits.timeoutMs * 0.9) {
        return { text: `Stopped after ${formatDuration(limits.timeoutMs)}: wall-clock limit`, tone: 'warning' };
      }
      return {
        text: `Stopped after ${formatDuration(stats.cpuMs)} of CPU time: CPU-time limit`,
        tone: 'warning',
      };
    }
    case 'memory_exceeded':
      return { text: `Stopped: the program used more than ${limits.memoryMb} MB: memory limit`, tone: 'warning' };
    case 'output_exceeded':
      return {
        text: `Stopped after printing ${formatBytes(limits.maxOutputBytes)}: output limit (the rest was cut)`,
        tone: 'warning',
      };
    case 'cancelled':
      return { text: `Cancelled after ${formatDuration(stats.wallMs)}`, tone: 'warning' };
    case 'crashed':
      return {
        text: 'Crashed: the service could not finish this run (its worker failed on every try)',
        tone: 'error',
      };
    default:
      return { text: `Finished: ${String(result.status)}`, tone: 'warning' };
  }
}
