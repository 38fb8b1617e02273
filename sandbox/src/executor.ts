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
import type { SandboxOutcome } from './types.ts';
import { SANDBOX_DEFAULTS, type ExecutorJob } from './messages.ts';
import { cutField, cutUtf8, FIELD_LIMITS, fitResult } from './budget.ts';
import { originalPosition, type SourceMap } from './sourcemap.ts';
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
  /**
   * Offer `WebAssembly` to programs. Only under an OS memory limit on this process
   * (memory-limit.ts): a wasm memory is outside the isolate's heap limit.
   */
  webAssembly?: boolean;
  /**
   * Called when a run went over its memory and still holds the isolate's thread
   * BACKSTOP_MS later (an uninterruptible built-in such as `fill` over a wasm memory keeps
   * touching pages after dispose): the child ends itself so the memory is given back.
   */
  onRunawayMemory?: () => void;
}

export type { ExecutorJob } from './messages.ts';

type Emit = (stream: 'stdout' | 'stderr', data: string) => void;

interface Sink {
  write: (fd: number, text: string) => void;
  /** process.exit(code) from the program: the run ends now, with that code. */
  exit: (code: number) => void;
}

/** CPU time of this whole process, in ns (all threads: the isolate's and the host's). */
const processCpuNs = (): bigint => {
  const { user, system } = process.cpuUsage();
  return BigInt(user + system) * 1000n;
};

interface Warm {
  isolate: ivm.Isolate;
  context: ivm.Context;
  memoryMb: number;
  sink: Sink;
  start: ivm.Reference<(code: string, file: string, stdin: string, maxTimers: number, outputBudget: number, limits: string) => number>;
  step: ivm.Reference<() => number | string>;
  drain: ivm.Reference<() => void>;
  rejection: ivm.Reference<(kind: string, name: string, message: string, stack: string, value: Primitive) => number>;
}

const DEFAULT_MEMORY_MB = 64;
const FIELD_LIMITS_JSON = JSON.stringify(FIELD_LIMITS);
/** Positions mapped through the source map per error (8 KiB of stack holds ~400). */
const MAX_MAPPED_FRAMES = 1000;
/**
 * The isolate's report holds at most the fields at their limits, JSON-escaped once more;
 * anything longer did not come from the runtime's own report and is refused unread.
 */
export const MAX_REPORT_CHARS = 2 * (FIELD_LIMITS.value + FIELD_LIMITS.name + FIELD_LIMITS.message + FIELD_LIMITS.stack) + 1024;
const CPU_CHECK_MS = 10;
/**
 * What a run may add to the child's resident memory beyond its heap limit: memory outside
 * the heap (wasm memories; ArrayBuffers are counted in the heap limit by isolated-vm) up to
 * memoryMb again, plus the engine's and the host's own share for the run.
 */
const RSS_SLACK_MB = 96;
export const rssAllowanceBytes = (memoryMb: number) => (2 * memoryMb + RSS_SLACK_MB) * 1024 * 1024;
/**
 * V8's words for an allocation that failed outside the heap: an ArrayBuffer over the
 * isolate's limit, or a wasm memory over the child's OS limit. Uncaught, the run is over
 * its memory, not a failed program.
 */
const OUT_OF_MEMORY = /^(?:Array buffer allocation failed|WebAssembly\.\w+(?:\.\w+)?\(\): (?:could not allocate memory|Unable to grow instance memory|Out of memory\b))/;
export const isOutOfMemoryError = (error: ProgramError) => error.name === 'RangeError' && OUT_OF_MEMORY.test(error.message);
/** How long past a limit the child's own timers wait for isolated-vm's timeout to act. */
const BACKSTOP_MS = 250;

export function buildSnapshot(): ivm.ExternalCopy<ArrayBuffer> {
  const require = createRequire(import.meta.url);
  const inspectSource = readFileSync(require.resolve('node-inspect-extracted'), 'utf8');
  const preludeSource = readFileSync(new URL('./prelude.js', import.meta.url), 'utf8');
  // The UMD bundle picks `module.exports` when it sees CommonJS; the prelude takes it from
  // the global and deletes it.
  const inspectScript = `(function () { var __inspectHooks = { promise: null, entries: null }; var module = { exports: {} }; var exports = module.exports;\n${withInspectHooks(inspectSource)}\n;globalThis.__playgroundInspect = module.exports; globalThis.__playgroundInspectHooks = __inspectHooks; })();`;
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

/**
 * node-inspect-extracted stands in for two V8 internals Node's inspect reads, a promise's
 * state and an iterator's remaining entries, with stubs that know nothing (every promise
 * `<pending>`, every iterator empty). They become calls to hooks the prelude fills with
 * what it saw the program do (it tracks promises and iterators in plain JavaScript). The
 * stubs are matched as text, so a new version of the library fails here, loudly.
 */
export function withInspectHooks(source: string): string {
  const stubs: Array<[string, string]> = [
    ['getPromiseDetails:()=>[g,void 0]', 'getPromiseDetails:t=>{const d=null===__inspectHooks.promise?void 0:__inspectHooks.promise(t);return void 0===d?[g,void 0]:[2===d[0]?h:1,d[1]]}'],
    ['previewEntries:t=>[[],!1]', 'previewEntries:(t,e)=>{const d=!0!==e||null===__inspectHooks.entries?void 0:__inspectHooks.entries(t);return void 0===d?[[],!1]:d}'],
  ];
  let out = source;
  for (const [stub, hook] of stubs) {
    if (out.split(stub).length !== 2) throw new Error(`node-inspect-extracted changed: its stub \`${stub}\` is not there once; update withInspectHooks in executor.ts`);
    out = out.replace(stub, hook);
  }
  return out;
}

export class Executor {
  readonly #snapshot: ivm.ExternalCopy<ArrayBuffer>;
  readonly #warmTarget: number;
  readonly #cpuLimitMs: number;
  readonly #maxTimers: number;
  #webAssembly: boolean;
  readonly #onRunawayMemory: () => void;
  readonly #warm: Warm[] = [];
  #refilling = false;
  #closed = false;
  #current: { stop: (status: SandboxOutcome['status']) => void } | null = null;

  constructor(opts: ExecutorOptions = {}) {
    this.#snapshot = buildSnapshot();
    this.#warmTarget = opts.warmIsolates ?? SANDBOX_DEFAULTS.warmIsolates;
    this.#cpuLimitMs = opts.cpuLimitMs ?? SANDBOX_DEFAULTS.cpuLimitMs;
    this.#maxTimers = opts.maxTimers ?? SANDBOX_DEFAULTS.maxTimers;
    this.#webAssembly = opts.webAssembly ?? false;
    this.#onRunawayMemory = opts.onRunawayMemory ?? (() => {});
  }

  /**
   * Offers WebAssembly from the next run on; call once this process has its OS memory
   * limit, then `prewarm`. Isolates made before lack it, so they are let go.
   */
  allowWebAssembly(): void {
    this.#webAssembly = true;
    for (const w of this.#warm.splice(0)) {
      try { w.isolate.dispose(); } catch { /* already gone */ }
    }
  }

  /** Fills the pool of ready isolates; call when idle. */
  async prewarm(): Promise<void> {
    if (this.#refilling) return;
    this.#refilling = true;
    try {
      // Never during a run: the process's CPU while a run is active is charged to it.
      while (!this.#closed && this.#current === null && this.#warm.length < this.#warmTarget) {
        // Yield first: the last run's isolate is disposed on the next turn, and a new one
        // made before that could find the child's memory limit taken by its wasm memories.
        // Between isolates, the yield keeps an arriving job from waiting on the refill.
        await new Promise((resolve) => setImmediate(resolve));
        if (this.#closed || this.#current !== null || this.#warm.length >= this.#warmTarget) break;
        this.#warm.push(this.#create(DEFAULT_MEMORY_MB));
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
    // The isolate waits while this runs, so its CPU clock does not see it, nor ivm's
    // hand-over between threads (most of the cost): the run's CPU counts the process's.
    const random = new ivm.Callback((n: unknown) => {
      const size = typeof n === 'number' && n > 0 && n <= 65536 ? Math.floor(n) : 0;
      return new Uint8Array(randomBytes(size));
    });
    const exit = new ivm.Callback((code: unknown) => {
      sink.exit(typeof code === 'number' && Number.isInteger(code) ? code & 0xff : 1);
    });
    // The text of a big core module (stream, zlib, ...) on its first require; see runtime/libs.js.
    const source = new ivm.Callback((file: unknown) => librarySource(file));
    const handle = context.evalClosureSync('return __playground.attach($0, $1, $2, $3, $4)', [write, random, exit, source, this.#webAssembly], {
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
      rejection: handle.getSync('rejection', { reference: true }) as Warm['rejection'],
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
    let map: SourceMap | null = null;
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
    // The run's CPU: the isolate's clock misses what the host does while the isolate waits
    // on it (a getRandomValues loop: 300 ms of isolate time in 2 s of a busy process). The
    // child serves one run at a time, so the process's CPU since the start is this run's,
    // callbacks, ivm's thread hand-overs, output and the work after the isolate included.
    const procBase = processCpuNs();
    // The host's share, sampled by the CPU timer: a program that runs a callback per step
    // (a setImmediate loop) then pays for one getrusage every 10 ms, not one per step.
    let hostNs = 0n;
    const usedNs = () => isolate.cpuTime - cpuBase + hostNs;
    const sampleHost = () => {
      const own = isolate.cpuTime - cpuBase;
      const all = processCpuNs() - procBase;
      hostNs = all > own ? all - own : 0n;
    };
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
    // Memory outside the heap limit (a wasm memory the program fills) shows only in the
    // process's resident size; the OS limit on the child is the backstop between checks.
    const rssLimit = process.memoryUsage.rss() + rssAllowanceBytes(job.memoryMb);
    let overMemorySince = 0;
    const cpuTimer = setInterval(() => {
      if (process.memoryUsage.rss() > rssLimit) {
        if (status === null) {
          overMemorySince = performance.now();
          return stop('memory_exceeded');
        }
        if (overMemorySince !== 0 && performance.now() - overMemorySince > BACKSTOP_MS) {
          overMemorySince = 0;
          this.#onRunawayMemory();
        }
        return;
      }
      try {
        sampleHost();
        if (usedNs() > cpuLimitNs + BigInt(BACKSTOP_MS) * 1_000_000n) stop('timed_out');
      } catch { /* disposed */ }
    }, CPU_CHECK_MS);
    const remaining = () => {
      let cpuLeft = cpuLimitMs;
      try { cpuLeft = cpuLimitMs - Number(usedNs() / 1_000_000n); } catch { /* disposed */ }
      return Math.max(1, Math.ceil(Math.min(deadline - performance.now(), cpuLeft)));
    };

    // isolated-vm ends a call with the reason of a rejection nothing handled (a copy). Other
    // ends of a call (time, memory, dispose) are not rejections.
    const isRejection = (err: unknown) => {
      if (status !== null || isolate.isDisposed) return false;
      const message = String((err as Error)?.message);
      return !/memory limit/i.test(message) && !/^Script execution timed out/.test(message);
    };
    // The program's listeners may take it ('unhandledRejection', 'uncaughtException'), and
    // make more; a call that ended on a rejection they took is a step to run again (0).
    // The references are the runtime's own functions; their arguments are strings and numbers.
    const call = async (ref: ivm.Reference<(...args: never[]) => unknown>, args: Array<string | number>): Promise<unknown> => {
      try {
        return await (ref as ivm.Reference).apply(undefined, args, { timeout: remaining() });
      } catch (first) {
        let err = first;
        // A listener that rejects again and again is a loop like any other: the run's
        // time limits end it (a stopped run's call is no rejection).
        while (isRejection(err)) {
          try {
            if ((await warm.rejection.apply(undefined, rejectionArgs(err), { timeout: remaining() })) === 1) return 0;
            break;
          } catch (next) {
            // A listener left a rejection of its own unhandled: offer that one.
            err = next;
          }
        }
        throw err;
      }
    };

    let failure: ProgramError | undefined;
    let value: string | undefined;
    let wrapped = false;
    let reportText: unknown;
    try {
      await call(warm.start, [code, file, job.stdin, job.maxTimers ?? this.#maxTimers, job.maxOutputBytes, FIELD_LIMITS_JSON]);
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
        step = await call(warm.step, []);
      }
      if (status === null) {
        reportText = step;
        const report = parseReport(step);
        value = report.value;
        wrapped = report.wrapped === true;
        if (report.truncated) truncated = true;
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

    // The run is over (nothing can print or change the outcome now); freeing the isolate
    // after the result is sent keeps ~0.3 ms off every run's critical path.
    setImmediate(() => {
      try { isolate.dispose(); } catch { /* already disposed */ }
    });
    // The isolate and the host take turns (the isolate waits on its callbacks), so a run's
    // CPU is never more than its wall time; past it is other threads' noise (GC helpers).
    const cpuMs = (wallMs: number) => {
      const all = processCpuNs() - procBase;
      return Math.min(wallMs, Number(all > cpuNs - cpuBase ? all : cpuNs - cpuBase) / 1e6);
    };
    const baseNow = () => {
      const wallMs = elapsed(startedAt);
      return { wallMs, cpuMs: cpuMs(wallMs), truncated };
    };
    if (exitCode !== null) return exitOutcome(exitCode, baseNow());
    if (status !== null) return { status, ...baseNow() };
    if (failure) mapError(failure, file, map, wrapped);
    // The isolate cut these already; this holds if it did not, and after mapping.
    const result = { value, error: failure };
    if (fitResult(result, job.maxOutputBytes - outputBytes).cut) truncated = true;
    const base = baseNow();
    if (result.error) return { status: isOutOfMemoryError(result.error) ? 'memory_exceeded' : 'failed', error: result.error, ...base };
    // process.exitCode set by the program; a report too long to read was refused above.
    const reported = typeof reportText === 'string' && reportText.length <= MAX_REPORT_CHARS ? reportedExitCode(reportText) : null;
    if (reported !== null) return exitOutcome(reported, base);
    return result.value === undefined ? { status: 'succeeded', ...base } : { status: 'succeeded', value: result.value, ...base };
  }
}

/** An unhandled rejection's reason, as isolated-vm copied it out, as the runtime's `rejection` takes it. */
type Primitive = string | number | boolean | null | undefined;
function rejectionArgs(err: unknown): [string, string, string, string, Primitive] {
  if (err instanceof Error) {
    if (/^An object was thrown from supplied code/.test(err.message)) return ['object', '', '', '', undefined];
    // The stack as the isolate made it, without the frames isolated-vm adds on its way out.
    const boundary = err.stack?.indexOf('\n    at (<isolated-vm boundary>)') ?? -1;
    const stack = boundary >= 0 ? err.stack!.slice(0, boundary) : (err.stack ?? '');
    return ['error', cutField(err.name, FIELD_LIMITS.name).text, cutField(err.message, FIELD_LIMITS.message).text, cutField(stack, FIELD_LIMITS.stack * 2).text, undefined];
  }
  const t = typeof err;
  if (err === null || t === 'string' || t === 'number' || t === 'boolean' || t === 'undefined') {
    return ['value', '', '', '', typeof err === 'string' ? cutField(err, FIELD_LIMITS.message).text : (err as Primitive)];
  }
  return ['object', '', '', '', undefined];
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 1000) / 1000;
}

interface Report { value?: string; error?: ProgramError; wrapped?: boolean; atStart?: boolean; truncated?: boolean }

/** The report is produced inside the isolate: treat it as untrusted text. */
export function parseReport(text: unknown): Report {
  if (typeof text !== 'string') return {};
  if (text.length > MAX_REPORT_CHARS) {
    return { error: { name: 'InternalError', message: `The runtime's report (${text.length} characters) was over ${MAX_REPORT_CHARS} and was refused.` } };
  }
  let raw: unknown;
  try { raw = JSON.parse(text); } catch { return {}; }
  if (raw === null || typeof raw !== 'object') return {};
  const out: Report = {};
  const r = raw as Record<string, unknown>;
  out.wrapped = r.wrapped === true;
  out.atStart = r.atStart === true;
  out.truncated = r.truncated === true;
  if (typeof r.value === 'string') out.value = r.value;
  if (r.error !== null && typeof r.error === 'object') {
    const e = r.error as Record<string, unknown>;
    out.error = { name: str(e.name, 'Error'), message: str(e.message, '') };
    if (typeof e.stack === 'string') out.error.stack = e.stack;
  }
  return out;
}

function str(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
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
    // ivm copied these out whole (a rejection never passes the runtime's report): cut
    // them before anything else reads them.
    const cutStack = cutField(stack, FIELD_LIMITS.stack * 2).text;
    return {
      name: cutField(err.name, FIELD_LIMITS.name).text,
      message: cutField(err.message, FIELD_LIMITS.message).text,
      stack: trimRuntimeFrames(cutStack),
    };
  }
  return {
    name: 'UnhandledPromiseRejection',
    message: `This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "${cutField(String(err), FIELD_LIMITS.message - 512).text}".`,
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
function mapError(error: ProgramError, file: string, map: SourceMap | null, wrapped: boolean): void {
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
  let mapped = 0;
  const pattern = new RegExp(`${file.replace('.', '\\.')}:(\\d+):(\\d+)`, 'g');
  error.stack = error.stack.replace(pattern, (all, l: string, c: string) => {
    // A bound on this host work whatever reaches it; the stack's own limit keeps a real
    // one well under it.
    if (++mapped > MAX_MAPPED_FRAMES) return all;
    const pos = toOriginal(Number(l), Number(c));
    first ??= pos;
    return `${file}:${pos.line}:${pos.column}`;
  });
  if (first) {
    error.line = first.line;
    error.column = first.column;
  }
}
