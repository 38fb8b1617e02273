/**
 * The worker's side of the sandbox: a fixed set of child processes, each running one
 * execution at a time. Children start with an empty environment (no AWS credentials, no
 * secrets) and are replaced when they die. Every run ends in an outcome: the child's own
 * report, or this process's verdict when the child went silent (watchdog) or died.
 */
import { LIMITS } from '@playground/shared';
import { Value } from '@sinclair/typebox/value';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { checkFromChild, describeMismatch, SANDBOX_DEFAULTS, type ChildOptions, type ExecutorJob, type FromChild, type ToChild } from './messages.ts';
import { fitResult } from './budget.ts';
import { SandboxOutcome, type Sandbox, type SandboxJob, type SandboxOutput } from './types.ts';

/** The part of a pino logger this module uses. */
export interface PoolLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SandboxPoolOptions {
  /** Child processes, each running one execution at a time. */
  size: number;
  logger?: PoolLogger;
  /** Isolates each child creates ahead of need. */
  warmIsolates?: number;
  /** CPU time limit per run when the job does not set one (capped by its wall clock). */
  cpuLimitMs?: number;
  /** Pending timers and immediates a program may hold. */
  maxTimers?: number;
  /**
   * Each child's OS memory limit (RLIMIT_DATA): what it holds when ready plus this many MB.
   * It bounds memory outside the isolates' heaps, wasm memories above all.
   */
  dataHeadroomMb?: number;
  /** How long past a run's deadline a silent child is given before it is killed. */
  watchdogGraceMs?: number;
  /** After a cancel, how long the child has to confirm before it is killed. */
  cancelGraceMs?: number;
  /**
   * The program that starts each child in place of Node itself (`SANDBOX_EXEC_PATH`): on
   * the cloud's workers a wrapper that gives the child a network namespace with only
   * loopback, so a program that escaped its isolate reaches no network. Absent: Node.
   */
  execPath?: string;
}

/** A job as SandboxPool accepts it: the contract's fields plus optional limits. */
export interface PoolJob extends SandboxJob {
  cpuLimitMs?: number;
  maxTimers?: number;
}

interface Run {
  job: PoolJob;
  onOutput: (chunk: SandboxOutput) => void;
  resolve: (outcome: SandboxOutcome) => void;
  signal: AbortSignal | undefined;
  startedAt: number;
  settled: boolean;
  outputBytes: number;
  onAbort?: () => void;
}

interface Slot {
  id: number;
  child: ChildProcess;
  ready: boolean;
  run: Run | null;
  /** Last bytes the child wrote to stderr: V8 prints why it aborted there. */
  stderrTail: string;
  /** The child said on stderr it ran out of memory (V8's fatal report, or its own runaway check). */
  sawOutOfMemory?: boolean;
  /** The child said it exits after its last result (near its memory limit). */
  retiring?: boolean;
  /** Why this process killed the child, for a `crashed` run's error. */
  killMessage?: string;
  watchdog?: NodeJS.Timeout;
  killReason?: SandboxOutcome['status'];
}

/**
 * What V8 (or the child's own runaway check) writes when a child dies for memory: the
 * isolate's heap, or a commit refused by the child's RLIMIT_DATA.
 */
const OUT_OF_MEMORY = /out of memory|heap limit|Allocation failed|memory limit|is_heap_oom = 1|Committing semi space failed/i;
/**
 * No single wasm memory may be larger than the largest heap a run may have (64 KiB pages):
 * past it `memory.grow` answers -1 inside wasm and throws from JavaScript, and a bigger
 * `new WebAssembly.Memory` fails, each at once rather than when the child's OS limit
 * runs out. Node's own cap is 65536 pages (4 GiB).
 */
const WASM_MAX_PAGES = (LIMITS.memoryMb.max * 1024 * 1024) / 65536;
const CHILD_PATH = fileURLToPath(new URL('./child.ts', import.meta.url));
const noopLogger: PoolLogger = { info() {}, warn() {}, error() {} };

export class SandboxPool implements Sandbox {
  readonly #opts: Required<Omit<SandboxPoolOptions, 'logger' | 'execPath'>> & Pick<SandboxPoolOptions, 'execPath'>;
  readonly #log: PoolLogger;
  readonly #slots = new Set<Slot>();
  readonly #queue: Run[] = [];
  #nextSlotId = 1;
  #started: Promise<void> | null = null;
  #closing: Promise<void> | null = null;
  #restartDelayMs = 0;
  #warnedNoLimit = false;

  constructor(opts: SandboxPoolOptions) {
    if (!Number.isInteger(opts.size) || opts.size < 1) throw new RangeError(`size must be a whole number >= 1, got ${opts.size}`);
    this.#opts = {
      size: opts.size,
      warmIsolates: opts.warmIsolates ?? SANDBOX_DEFAULTS.warmIsolates,
      cpuLimitMs: opts.cpuLimitMs ?? SANDBOX_DEFAULTS.cpuLimitMs,
      maxTimers: opts.maxTimers ?? SANDBOX_DEFAULTS.maxTimers,
      dataHeadroomMb: opts.dataHeadroomMb ?? SANDBOX_DEFAULTS.dataHeadroomMb,
      watchdogGraceMs: opts.watchdogGraceMs ?? 1_000,
      cancelGraceMs: opts.cancelGraceMs ?? 150,
      ...(opts.execPath ? { execPath: opts.execPath } : {}),
    };
    this.#log = opts.logger ?? noopLogger;
  }

  /** Starts the children and waits until each has its isolates ready. Idempotent. */
  start(): Promise<void> {
    this.#started ??= (async () => {
      const ready: Array<Promise<void>> = [];
      for (let i = 0; i < this.#opts.size; i++) ready.push(this.#spawn());
      await Promise.all(ready);
    })();
    return this.#started;
  }

  run(job: PoolJob, onOutput: (chunk: SandboxOutput) => void, signal?: AbortSignal): Promise<SandboxOutcome> {
    if (this.#closing) return Promise.reject(new Error('SandboxPool is closed'));
    void this.start();
    return new Promise<SandboxOutcome>((resolve) => {
      const run: Run = { job, onOutput, resolve, signal, startedAt: performance.now(), settled: false, outputBytes: 0 };
      if (signal?.aborted) {
        this.#settle(run, { status: 'cancelled', wallMs: 0, cpuMs: 0, truncated: false });
        return;
      }
      run.onAbort = () => this.#cancel(run);
      signal?.addEventListener('abort', run.onAbort, { once: true });
      this.#queue.push(run);
      this.#dispatch();
    });
  }

  /** Process ids of the live children (for operations and tests). */
  childPids(): number[] {
    return [...this.#slots].map((s) => s.child.pid).filter((pid): pid is number => pid !== undefined);
  }

  /** Ends every run (cancelled) and stops the children. Calling it again returns the same promise. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const run of this.#queue.splice(0)) this.#settle(run, { status: 'cancelled', wallMs: 0, cpuMs: 0, truncated: false });
      const exits: Array<Promise<void>> = [];
      for (const slot of this.#slots) {
        if (slot.run) this.#settle(slot.run, this.#outcomeFor(slot.run, 'cancelled'));
        exits.push(new Promise((resolve) => {
          if (slot.child.exitCode !== null || slot.child.signalCode !== null) return resolve();
          slot.child.once('exit', () => resolve());
          slot.child.kill('SIGKILL');
        }));
      }
      await Promise.all(exits);
    })();
    return this.#closing;
  }

  #spawn(): Promise<void> {
    const options: ChildOptions = {
      warmIsolates: this.#opts.warmIsolates,
      cpuLimitMs: this.#opts.cpuLimitMs,
      maxTimers: this.#opts.maxTimers,
      dataHeadroomMb: this.#opts.dataHeadroomMb,
    };
    const child = fork(CHILD_PATH, [JSON.stringify(options)], {
      // Nothing of the worker's environment: no AWS_*, no tokens, no NODE_OPTIONS.
      env: {},
      ...(this.#opts.execPath ? { execPath: this.#opts.execPath } : {}),
      execArgv: ['--no-node-snapshot', '--disable-warning=ExperimentalWarning', `--wasm-max-mem-pages=${WASM_MAX_PAGES}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const slot: Slot = { id: this.#nextSlotId++, child, ready: false, run: null, stderrTail: '' };
    this.#slots.add(slot);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      // V8's report of a fatal out-of-memory goes on for pages (heap statistics, the last
      // GCs): look at every chunk (with the end of the one before, for a phrase split
      // between them) rather than only at what is left in the tail.
      if (OUT_OF_MEMORY.test(slot.stderrTail.slice(-64) + text)) slot.sawOutOfMemory = true;
      slot.stderrTail = (slot.stderrTail + text).slice(-4096);
    });
    return new Promise<void>((resolveReady) => {
      let readyResolved = false;
      const markReady = () => {
        if (!readyResolved) {
          readyResolved = true;
          resolveReady();
        }
      };
      child.on('message', (message: unknown) => {
        if (!checkFromChild.Check(message)) {
          this.#onMalformed(slot, message);
        } else if (message.type === 'ready') {
          if (!this.#warnedNoLimit && 'unavailable' in message.memoryLimit) {
            this.#warnedNoLimit = true;
            this.#log.warn({ slot: slot.id, reason: message.memoryLimit.unavailable }, 'sandbox child has no OS memory limit: WebAssembly is not offered to programs');
          }
          slot.ready = true;
          this.#restartDelayMs = 0;
          markReady();
          this.#dispatch();
        } else {
          this.#onChildMessage(slot, message);
        }
      });
      child.on('error', (err) => this.#log.warn({ err, slot: slot.id }, 'sandbox child error'));
      child.on('exit', (code, signal) => {
        markReady();
        this.#onChildExit(slot, code, signal);
      });
    });
  }

  /**
   * The child shares its process with hostile code: a message that does not match its
   * schema means it is broken or taken over. It is killed (its run, if any, ends
   * `crashed`, saying why) and replaced.
   */
  #onMalformed(slot: Slot, message: unknown): void {
    const why = describeMismatch(checkFromChild, message);
    this.#log.error({ slot: slot.id, why, executionId: slot.run?.job.executionId }, 'sandbox child sent a malformed message; killing it');
    if (slot.run) {
      slot.killReason = 'crashed';
      slot.killMessage = `the sandbox process sent a malformed message (${why}) and was stopped`;
    }
    slot.child.kill('SIGKILL');
  }

  #onChildMessage(slot: Slot, message: FromChild): void {
    const run = slot.run;
    if (!run) return;
    if (message.type === 'output') {
      if (message.executionId !== run.job.executionId || run.settled) return;
      run.outputBytes += Buffer.byteLength(message.data);
      // The child enforces the cap; this is the backstop should it ever fail to.
      if (run.outputBytes > run.job.maxOutputBytes) return;
      try {
        run.onOutput({ stream: message.stream, data: message.data });
      } catch (err) {
        this.#log.error({ err, executionId: run.job.executionId }, 'onOutput threw');
      }
    } else if (message.type === 'result') {
      if (message.executionId !== run.job.executionId) return;
      this.#free(slot);
      if (message.retiring === true) {
        slot.ready = false;
        slot.retiring = true;
      }
      this.#settle(run, withinBudget(message.outcome, run.job.maxOutputBytes - run.outputBytes));
      this.#dispatch();
    }
  }

  #onChildExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    this.#slots.delete(slot);
    clearTimeout(slot.watchdog);
    const run = slot.run;
    slot.run = null;
    if (run && !run.settled) {
      const oom = slot.sawOutOfMemory === true;
      const status = slot.killReason ?? (oom ? 'memory_exceeded' : 'crashed');
      this.#log.warn({ slot: slot.id, code, signal, status, executionId: run.job.executionId, stderr: slot.stderrTail.slice(-512) }, 'sandbox child died during a run');
      const outcome = this.#outcomeFor(run, status);
      if (status === 'crashed') outcome.error = { name: 'InternalError', message: slot.killMessage ?? `the sandbox process exited (${signal ?? `code ${code}`})` };
      this.#settle(run, outcome);
    } else if (slot.retiring) {
      this.#log.info({ slot: slot.id }, 'sandbox child retired near its memory limit; starting another');
    } else if (!this.#closing) {
      this.#log.warn({ slot: slot.id, code, signal }, 'sandbox child exited');
    }
    if (this.#closing) return;
    // Replace it; back off if children keep dying at start so a broken install cannot spin.
    const delay = this.#restartDelayMs;
    this.#restartDelayMs = Math.min(5_000, delay === 0 ? 50 : delay * 2);
    setTimeout(() => {
      if (!this.#closing) void this.#spawn();
    }, delay).unref();
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (!slot.ready || slot.run) continue;
      const run = this.#queue.shift()!;
      if (run.settled) continue;
      slot.run = run;
      slot.killReason = undefined;
      run.startedAt = performance.now();
      const job: ExecutorJob = {
        executionId: run.job.executionId,
        language: run.job.language,
        code: run.job.code,
        stdin: run.job.stdin ?? '',
        timeoutMs: run.job.timeoutMs,
        memoryMb: run.job.memoryMb,
        maxOutputBytes: run.job.maxOutputBytes,
        ...(run.job.cpuLimitMs !== undefined ? { cpuLimitMs: run.job.cpuLimitMs } : {}),
        ...(run.job.maxTimers !== undefined ? { maxTimers: run.job.maxTimers } : {}),
      };
      this.#send(slot, { type: 'run', job });
      // The child enforces the deadline itself; this catches a child that cannot (stuck in
      // an uninterruptible built-in, or its event loop blocked).
      slot.watchdog = setTimeout(() => this.#kill(slot, 'timed_out'), run.job.timeoutMs + this.#opts.watchdogGraceMs);
    }
  }

  #cancel(run: Run): void {
    if (run.settled) return;
    const index = this.#queue.indexOf(run);
    if (index >= 0) {
      this.#queue.splice(index, 1);
      this.#settle(run, { status: 'cancelled', wallMs: 0, cpuMs: 0, truncated: false });
      return;
    }
    for (const slot of this.#slots) {
      if (slot.run !== run) continue;
      // Answer at once; the child confirms in the background or is killed.
      this.#settle(run, this.#outcomeFor(run, 'cancelled'));
      this.#send(slot, { type: 'cancel', executionId: run.job.executionId });
      clearTimeout(slot.watchdog);
      slot.watchdog = setTimeout(() => this.#kill(slot, 'cancelled'), this.#opts.cancelGraceMs);
    }
  }

  #kill(slot: Slot, reason: SandboxOutcome['status']): void {
    if (!slot.run) return;
    slot.killReason = reason;
    this.#log.warn({ slot: slot.id, reason, executionId: slot.run.job.executionId }, 'killing a sandbox child that did not finish in time');
    slot.child.kill('SIGKILL');
  }

  #send(slot: Slot, message: ToChild): void {
    try {
      slot.child.send(message);
    } catch (err) {
      this.#log.warn({ err, slot: slot.id }, 'could not message a sandbox child');
    }
  }

  #free(slot: Slot): void {
    clearTimeout(slot.watchdog);
    slot.run = null;
  }

  #outcomeFor(run: Run, status: SandboxOutcome['status']): SandboxOutcome {
    return { status, wallMs: Math.round(performance.now() - run.startedAt), cpuMs: 0, truncated: false };
  }

  #settle(run: Run, outcome: SandboxOutcome): void {
    if (run.settled) return;
    run.settled = true;
    if (run.onAbort) run.signal?.removeEventListener('abort', run.onAbort);
    run.resolve(outcome);
  }
}

/**
 * The outcome as the child reported it, already checked against its schema: only the
 * schema's fields are kept (a child could add any), then each field is cut to its limit
 * and to the output budget the run has left.
 */
function withinBudget(reported: SandboxOutcome, budgetLeft: number): SandboxOutcome {
  const outcome = Value.Clean(SandboxOutcome, structuredClone(reported)) as SandboxOutcome;
  if (fitResult(outcome, budgetLeft).cut) outcome.truncated = true;
  return outcome;
}
