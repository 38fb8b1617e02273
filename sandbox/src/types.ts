/**
 * The contract between the worker (SQS, DynamoDB, publishing) and the sandbox (isolates
 * in child processes without credentials). Everything here crosses an IPC channel, so
 * it is plain data, defined as TypeBox schemas (types derived with Static) that the pool
 * checks what a child sends against (messages.ts).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Language, ProgramError, Status } from '@playground/shared';

export const SandboxJob = Type.Object({
  executionId: Type.String({ minLength: 1 }),
  language: Language,
  code: Type.String(),
  stdin: Type.String(),
  /** Wall-clock limit of the whole run. */
  timeoutMs: Type.Integer({ minimum: 1 }),
  /** Isolate heap limit. */
  memoryMb: Type.Integer({ minimum: 1 }),
  /** Output past this many bytes stops the program with `output_exceeded`. */
  maxOutputBytes: Type.Integer({ minimum: 0 }),
});
export type SandboxJob = Static<typeof SandboxJob>;

/** A chunk the program printed, in order. */
export interface SandboxOutput {
  stream: 'stdout' | 'stderr';
  data: string;
}

export const SandboxOutcome = Type.Object({
  status: Status,
  /** Completion value of the last expression statement, formatted like util.inspect. */
  value: Type.Optional(Type.String()),
  error: Type.Optional(ProgramError),
  wallMs: Type.Number({ minimum: 0 }),
  /**
   * CPU time of the run: the isolate's, plus what the host did for it while the isolate
   * waited (getRandomValues, ivm's hand-overs, output, source mapping). Never more than wallMs.
   */
  cpuMs: Type.Number({ minimum: 0 }),
  /**
   * True when anything the program produced was cut: output at maxOutputBytes (the run then
   * ends `output_exceeded`), or the value or an error field at its limit or at what was left
   * of maxOutputBytes (the status is unchanged; the cut text ends with a marker).
   */
  truncated: Type.Boolean(),
  /** Set when the program chose its exit code (process.exit, process.exitCode). */
  exitCode: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
});
export type SandboxOutcome = Static<typeof SandboxOutcome>;

export interface Sandbox {
  /**
   * Runs one job in a fresh isolate. `onOutput` is called for every chunk, in order,
   * before the promise settles. Aborting `signal` ends the run with `cancelled`.
   * Never rejects for anything the program does: every end is an outcome.
   */
  run(job: SandboxJob, onOutput: (chunk: SandboxOutput) => void, signal?: AbortSignal): Promise<SandboxOutcome>;
  close(): Promise<void>;
}
