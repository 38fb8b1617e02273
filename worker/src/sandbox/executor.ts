/**
 * Runs one job in one fresh isolate. Lives in the sandbox child process (never in the
 * worker that holds credentials). The isolate comes from a V8 snapshot holding the
 * runtime prelude, and a few are created ahead of need so a run does not pay for it.
 *
 * What crosses into the isolate: strings and numbers, plus two ivm Callbacks (output and
 * randomness). What comes out: numbers from `step` and finally its JSON report, strings
 * passed to the output callback. The References the host keeps point at the prelude's own
 * functions, taken before user code runs; the host never touches a value the program made.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ivm from 'isolated-vm';
import type { ProgramError } from '@playground/shared';
import type { SandboxJob, SandboxOutcome } from './types.ts';
import { originalPosition, type DecodedMappings } from './sourcemap.ts';
import { transpileTypeScript } from './transpile.ts';
import { librarySource, runtimeBundle } from './runtime/load.ts';
import { SNAPSHOT_WARMUP } from './runtime/warmup.ts';
import { exitOutcome, reportedExitCode } from './exit.ts';
import { moduleToScript } from './esm.ts';

/** Must match the wrapper in prelude.js: top-level-await code runs as this function's body. */
const ASYNC_PREFIX = '(async function () {"use strict";';

export interface ExecutorOptions {
  /** Isolates created ahead of need (for the default memory size). */
  warmIsolates?: number;
  /** CPU time a run may use when the job does not say; the wall clock may be longer. */
  cpuLimitMs?: number;
  /** Timers and immediates a program may have pending at once. */
  maxTimers?: number;
}

export interface ExecutorJob extends SandboxJob {
  cpuLimitMs?: number;
  maxTimers?: number;
}

type Emit = (stream: 'stdout' | 'stderr', data: string) => void;

interface Sink {
  write: (fd: number, text: string) => void;
  /** process.exit(code) from the program: the run ends now, with that code. */
  exit: (code: number) => void;
}

interface Warm {
  isolate: ivm.Isolate;
  context: ivm.Context;
  memoryMb: number;
  sink: Sink;
  start: ivm.Reference<(code: string, file: string, stdin: string, maxTimers: number, outputBudget: number) => number>;
  step: ivm.Reference<() => number | string>;
  drain: ivm.Reference<() => void>;
}

const DEFAULT_MEMORY_MB = 64;
const CPU_CHECK_MS = 10;
/** How long past a limit the child's own timers wait for isolated-vm's timeout to act. */
const BACKSTOP_MS = 250;

export function buildSnapshot(): ivm.ExternalCopy<ArrayBuffer> {
  const require = createRequire(import.meta.url);
  const inspectSource = readFileSync(require.resolve('node-inspect-extracted'), 'utf8');
  const preludeSource = readFileSync(new URL('./prelude.js', import.meta.url), 'utf8');
  // The UMD bundle picks `module.exports` when it sees CommonJS; the prelude takes it from
  // the global and deletes it.
  const inspectScript = `(function () { var module = { exports: {} }; var exports = module.exports;\n${inspectSource}\n;globalThis.__playgroundInspect = module.exports; })();`;
  return ivm.Isolate.createSnapshot(
    [
      { code: inspectScript, filename: 'playground:inspect' },
      { code: preludeSource, filename: 'playground:runtime' },
      // The Node layer (process, require, core modules); see runtime/index.js.
      { code: `globalThis.__playgroundNodeVersions = ${JSON.stringify(process.versions)};\n${runtimeBundle().code}`, filename: 'playground:node' },
    ],
    // Compiling the hot paths into the snapshot makes the first console.log cheap.
    SNAPSHOT_WARMUP,
  );
}

export class Executor {
  readonly #snapshot: ivm.ExternalCopy<ArrayBuffer>;
  readonly #warmTarget: number;
  readonly #cpuLimitMs: number;
  readonly #maxTimers: number;
  readonly #warm: Warm[] = [];
  #refilling = false;
  #closed = false;
  #current: { stop: (status: SandboxOutcome['status']) => void } | null = null;

  constructor(opts: ExecutorOptions = {}) {
    this.#snapshot = buildSnapshot();
    this.#warmTarget = opts.warmIsolates ?? 2;
    this.#cpuLimitMs = opts.cpuLimitMs ?? 10_000;
    this.#maxTimers = opts.maxTimers ?? 10_000;
  }

  /** Fills the pool of ready isolates; call when idle. */
  async prewarm(): Promise<void> {
    if (this.#refilling) return;
    this.#refilling = true;
    try {
      while (!this.#closed && this.#warm.length < this.#warmTarget) {
        this.#warm.push(this.#create(DEFAULT_MEMORY_MB));
        // Yield between isolates so an arriving job is not held up behind the refill.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.#refilling = false;
    }
  }

  #create(memoryMb: number): Warm {
    const isolate = new ivm.Isolate({ memoryLimit: memoryMb, snapshot: this.#snapshot });
    const context = isolate.createContextSync();
    const sink: Sink = { write: () => {}, exit: () => {} };
    const write = new ivm.Callback((fd: unknown, text: unknown) => {
      if (typeof text === 'string') sink.write(fd === 2 ? 2 : 1, text);
    }, { ignored: true });
    const random = new ivm.Callback((n: unknown) => {
      const size = typeof n === 'number' && n > 0 && n <= 65536 ? Math.floor(n) : 0;
      return new Uint8Array(randomBytes(size));
    });
    const exit = new ivm.Callback((code: unknown) => {
      sink.exit(typeof code === 'number' && Number.isInteger(code) ? code & 0xff : 1);
    });
    // The text of a big core module (stream, zlib, ...) on its first require; see runtime/libs.js.
    const source = new ivm.Callback((file: unknown) => librarySource(file));
    const handle = context.evalClosureSync('return __playground.attach($0, $1, $2, $3)', [write, random, exit, source], {
      result: { reference: true },
      timeout: 1000,
    }) as ivm.Reference<Record<string, unknown>>;
    const warm: Warm = {
      isolate,
      context,
      memoryMb,
      sink,
      start: handle.getSync('start', { reference: true }) as Warm['start'],
      step: handle.getSync('step', { reference: true }) as Warm['step'],
      drain: handle.getSync('drain', { reference: true }) as Warm['drain'],
    };
    handle.release();
    return warm;
  }

  #take(memoryMb: number): Warm {
    const i = this.#warm.findIndex((w) => w.memoryMb === memoryMb && !w.isolate.isDisposed);
    if (i >= 0) return this.#warm.splice(i, 1)[0]!;
    return this.#create(memoryMb);
  }

  /** Ends the current run with `cancelled` (or any status); no-op when idle. */
  stopCurrent(status: SandboxOutcome['status']): void {
    this.#current?.stop(status);
  }

  close(): void {
    this.#closed = true;
    this.#current?.stop('cancelled');
    for (const w of this.#warm.splice(0)) {
      try { w.isolate.dispose(); } catch { /* already gone */ }
    }
  }

  async run(job: ExecutorJob, emit: Emit): Promise<SandboxOutcome> {
    const startedAt = performance.now();
    const file = job.language === 'typescript' ? 'main.ts' : 'main.js';
    let code = job.code;
    let map: DecodedMappings | null = null;
    if (job.language === 'typescript') {
      const out = transpileTypeScript(job.code, file);
      if (!out.ok) {
        return { status: 'failed', error: out.error, wallMs: elapsed(startedAt), cpuMs: 0, truncated: false };
      }
      code = out.code;
      map = out.map;
    }

    // import/export: rewritten into a script that keeps every line (see esm.ts).
    code = moduleToScript(code) ?? code;

    const warm = this.#take(job.memoryMb);
    const { isolate } = warm;
    let status: SandboxOutcome['status'] | null = null;
    let wakeSleeper: (() => void) | null = null;
    // A warm isolate already spent CPU building its context; the program's time starts here.
    const cpuBase = isolate.cpuTime;
    let cpuNs = cpuBase;
    const stop = (s: SandboxOutcome['status']) => {
      if (status !== null) return;
      status = s;
      accepting = false;
      try { cpuNs = isolate.cpuTime; } catch { /* disposed */ }
      // Disposing terminates whatever the isolate is doing, including a call in progress.
      try { isolate.dispose(); } catch { /* already disposed */ }
      wakeSleeper?.();
    };
    this.#current = { stop };
    let exitCode: number | null = null;
    warm.sink.exit = (code) => {
      exitCode = code;
      stop('succeeded');
    };

    let outputBytes = 0;
    let truncated = false;
    // Output is taken until the run is stopped, except that a run ended by its time limit
    // may still hand over what it had buffered (see drain below).
    let accepting = true;
    warm.sink.write = (fd, text) => {
      if (!accepting) return;
      const bytes = Buffer.byteLength(text);
      if (outputBytes + bytes > job.maxOutputBytes) {
        const fit = cutUtf8(text, job.maxOutputBytes - outputBytes);
        if (fit) emit(fd === 2 ? 'stderr' : 'stdout', fit);
        outputBytes = job.maxOutputBytes;
        truncated = true;
        stop('output_exceeded');
        return;
      }
      outputBytes += bytes;
      emit(fd === 2 ? 'stderr' : 'stdout', text);
    };

    const deadline = startedAt + job.timeoutMs;
    const cpuLimitMs = Math.min(job.cpuLimitMs ?? this.#cpuLimitMs, job.timeoutMs);
    const cpuLimitNs = BigInt(cpuLimitMs) * 1_000_000n;
    // isolated-vm's per-call timeout stops a call at the limit and leaves the isolate usable
    // (so its buffered output can be drained); these timers are the backstop, for time
    // spent between calls and for calls that do not stop.
    const wallTimer = setTimeout(() => stop('timed_out'), job.timeoutMs + BACKSTOP_MS);
    const cpuTimer = setInterval(() => {
      try {
        if (isolate.cpuTime - cpuBase > cpuLimitNs + BigInt(BACKSTOP_MS) * 1_000_000n) stop('timed_out');
      } catch { /* disposed */ }
    }, CPU_CHECK_MS);
    const remaining = () => {
      let cpuLeft = cpuLimitMs;
      try { cpuLeft = cpuLimitMs - Number((isolate.cpuTime - cpuBase) / 1_000_000n); } catch { /* disposed */ }
      return Math.max(1, Math.ceil(Math.min(deadline - performance.now(), cpuLeft)));
    };

    let failure: ProgramError | undefined;
    let value: string | undefined;
    let wrapped = false;
    let reportText: unknown;
    try {
      await warm.start.apply(
        undefined,
        [code, file, job.stdin, job.maxTimers ?? this.#maxTimers, job.maxOutputBytes],
        { timeout: remaining() },
      );
      // `step` answers a number (0: call again, n: wait n ms) until the program is done,
      // then its report as a JSON string.
      let step: unknown = 0;
      while (status === null && typeof step === 'number') {
        if (step > 0) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, Math.min(step as number, remaining()));
            wakeSleeper = () => { clearTimeout(t); resolve(); };
          });
          wakeSleeper = null;
          if (status !== null) break;
        }
        step = await warm.step.apply(undefined, [], { timeout: remaining() });
      }
      if (status === null) {
        reportText = step;
        const report = parseReport(step);
        value = report.value;
        wrapped = report.wrapped === true;
        if (report.error) {
          failure = report.error;
          if (report.atStart && failure.name === 'SyntaxError') locateSyntaxError(isolate, code, file, failure);
        }
      }
    } catch (err) {
      if (status === null) {
        const message = String((err as Error)?.message);
        if (isolate.isDisposed || /memory limit/i.test(message)) {
          status = 'memory_exceeded';
        } else if (/^Script execution timed out/.test(message)) {
          status = 'timed_out';
          try {
            await warm.drain.apply(undefined, [], { timeout: 50 });
          } catch { /* what was buffered is lost; the verdict stands */ }
        } else {
          failure = hostSideError(err);
        }
      }
    } finally {
      accepting = false;
      clearTimeout(wallTimer);
      clearInterval(cpuTimer);
      if (status === null) {
        try { cpuNs = isolate.cpuTime; } catch { /* disposed */ }
      }
      this.#current = null;
      warm.sink.write = () => {};
    }

    const base = { wallMs: elapsed(startedAt), cpuMs: Number(cpuNs - cpuBase) / 1e6, truncated };
    // The run is over (nothing can print or change the outcome now); freeing the isolate
    // after the result is sent keeps ~0.3 ms off every run's critical path.
    setImmediate(() => {
      try { isolate.dispose(); } catch { /* already disposed */ }
    });
    if (exitCode !== null) return exitOutcome(exitCode, base);
    if (status !== null) return { status, ...base };
    if (failure) {
      mapError(failure, file, map, wrapped);
      return { status: 'failed', error: failure, ...base };
    }
    const reported = reportedExitCode(reportText);
    if (reported !== null) return exitOutcome(reported, base);
    return value === undefined ? { status: 'succeeded', ...base } : { status: 'succeeded', value, ...base };
  }
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 1000) / 1000;
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`. */
export function cutUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += cp > 0xffff ? 2 : 1;
  }
  return text.slice(0, i);
}

/** The report is produced inside the isolate: treat it as untrusted text. */
function parseReport(text: unknown): { value?: string; error?: ProgramError; wrapped?: boolean; atStart?: boolean } {
  if (typeof text !== 'string') return {};
  let raw: unknown;
  try { raw = JSON.parse(text); } catch { return {}; }
  if (raw === null || typeof raw !== 'object') return {};
  const out: { value?: string; error?: ProgramError; wrapped?: boolean; atStart?: boolean } = {};
  const r = raw as Record<string, unknown>;
  out.wrapped = r.wrapped === true;
  out.atStart = r.atStart === true;
  if (typeof r.value === 'string') out.value = r.value;
  if (r.error !== null && typeof r.error === 'object') {
    const e = r.error as Record<string, unknown>;
    out.error = { name: str(e.name, 'Error'), message: str(e.message, '') };
    if (typeof e.stack === 'string') out.error.stack = e.stack;
  }
  return out;
}

function str(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v.slice(0, 64 * 1024) : fallback;
}

/**
 * An error that surfaced on the host side: ivm rethrows unhandled promise rejections
 * after the call that caused them, as a host copy (strings only).
 */
function hostSideError(err: unknown): ProgramError {
  if (err instanceof Error) {
    const boundary = err.stack?.indexOf('\n    at (<isolated-vm boundary>)') ?? -1;
    const stack = boundary >= 0 ? err.stack!.slice(0, boundary) : `${err.name}: ${err.message}`;
    if (/^An object was thrown from supplied code/.test(err.message)) {
      return {
        name: 'UnhandledPromiseRejection',
        message: 'A promise rejected with a value that is not an Error, and nothing handled the rejection.',
      };
    }
    return { name: err.name, message: err.message, stack: trimRuntimeFrames(stack) };
  }
  return {
    name: 'UnhandledPromiseRejection',
    message: `This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "${String(err)}".`,
  };
}

function trimRuntimeFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((l) => !/^\s+at .*(playground:|<isolated-vm|\(<anonymous>\)$)/.test(l))
    .map((l) => l.replace(/^(\s+at )eval \((main\.[jt]s:\d+:\d+)\)$/, '$1$2'))
    .join('\n');
}

/**
 * eval's SyntaxError carries no position; compiling the same text as a script (or, for
 * top-level-await code, a module) makes V8 name it. Only runs on the failure path.
 */
function locateSyntaxError(isolate: ivm.Isolate, code: string, file: string, error: ProgramError): void {
  if (isolate.isDisposed) return;
  const attempt = (compile: () => unknown): boolean => {
    try {
      compile();
      return false;
    } catch (err) {
      const m = /^(.*) \[([^\]]*):(\d+):(\d+)\]$/.exec(String((err as Error).message));
      if (!m) return false;
      error.message = m[1]!;
      error.line = Number(m[3]);
      error.column = Number(m[4]);
      error.stack = `SyntaxError: ${m[1]}`;
      return true;
    }
  };
  const asScript = () => isolate.compileScriptSync(code, { filename: file });
  const asModule = () => isolate.compileModuleSync(code, { filename: file });
  if (/\bawait\b/.test(code)) {
    if (attempt(asModule)) return;
  }
  attempt(asScript);
}

/**
 * Points an error at the user's source: positions in the stack and the first frame's
 * line and column, through the async wrapper's shift and the TypeScript source map.
 */
function mapError(error: ProgramError, file: string, map: DecodedMappings | null, wrapped: boolean): void {
  const toOriginal = (line: number, column: number) => {
    // Code wrapped for top-level await gains a prefix on its first line only.
    const c = wrapped && line === 1 ? Math.max(1, column - ASYNC_PREFIX.length) : column;
    return map ? originalPosition(map, line, c) : { line, column: c };
  };
  if (error.line !== undefined && error.column !== undefined) {
    ({ line: error.line, column: error.column } = toOriginal(error.line, error.column));
    return;
  }
  if (!error.stack) return;
  let first: { line: number; column: number } | undefined;
  const pattern = new RegExp(`${file.replace('.', '\\.')}:(\\d+):(\\d+)`, 'g');
  error.stack = error.stack.replace(pattern, (_all, l: string, c: string) => {
    const pos = toOriginal(Number(l), Number(c));
    first ??= pos;
    return `${file}:${pos.line}:${pos.column}`;
  });
  if (first) {
    error.line = first.line;
    error.column = first.column;
  }
}
