/**
 * The contract between the worker (SQS, DynamoDB, publishing) and the sandbox (isolates
 * in child processes without credentials). Everything here crosses an IPC channel, so
 * it is plain data.
 */
import type { Language, ProgramError, Status } from '@playground/shared';

export interface SandboxJob {
  executionId: string;
  language: Language;
  code: string;
  stdin: string;
  /** Wall-clock limit of the whole run. */
  timeoutMs: number;
  /** Isolate heap limit. */
  memoryMb: number;
  /** Output past this many bytes stops the program with `output_exceeded`. */
  maxOutputBytes: number;
}

/** A chunk the program printed, in order. */
export interface SandboxOutput {
  stream: 'stdout' | 'stderr';
  data: string;
}

export interface SandboxOutcome {
  status: Exclude<Status, 'cancelled'> | 'cancelled';
  /** Completion value of the last expression statement, formatted like util.inspect. */
  value?: string;
  error?: ProgramError;
  wallMs: number;
  /**
   * CPU time of the run: the isolate's, plus what the host did for it while the isolate
   * waited (getRandomValues, ivm's hand-overs, output, source mapping). Never more than wallMs.
   */
  cpuMs: number;
  /**
   * True when anything the program produced was cut: output at maxOutputBytes (the run then
   * ends `output_exceeded`), or the value or an error field at its limit or at what was left
   * of maxOutputBytes (the status is unchanged; the cut text ends with a marker).
   */
  truncated: boolean;
  /** Set when the program chose its exit code (process.exit, process.exitCode). */
  exitCode?: number;
}

export interface Sandbox {
  /**
   * Runs one job in a fresh isolate. `onOutput` is called for every chunk, in order,
   * before the promise settles. Aborting `signal` ends the run with `cancelled`.
   * Never rejects for anything the program does: every end is an outcome.
   */
  run(job: SandboxJob, onOutput: (chunk: SandboxOutput) => void, signal?: AbortSignal): Promise<SandboxOutcome>;
  close(): Promise<void>;
}
