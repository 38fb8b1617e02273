/**
 * Entry point of a sandbox child process: started by SandboxPool with an empty
 * environment, it runs one job at a time in fresh isolates and reports over IPC.
 * It holds no credentials, so a program that escaped its isolate would find nothing here.
 */
import { Value } from '@sinclair/typebox/value';
import { Executor } from './executor.ts';
import { checkChildOptions, checkToChild, ChildOptions, describeMismatch, type ExecutorJob, type FromChild } from './messages.ts';
import { dataBytes, limitOwnData, RETIRE_MARGIN_MB, type LimitResult } from './memory-limit.ts';
import { transpileTypeScript } from './transpile.ts';

// Absent options take SANDBOX_DEFAULTS (the schema's defaults); a wrong one stops the
// child before it runs anything, saying which.
const options = Value.Default(ChildOptions, JSON.parse(process.argv[2] ?? '{}')) as ChildOptions;
if (!checkChildOptions.Check(options)) {
  process.stderr.write(`sandbox child: bad options, ${describeMismatch(checkChildOptions, options)}; the pool passes them as one JSON argument\n`);
  process.exit(2);
}
const executor = new Executor({
  warmIsolates: options.warmIsolates,
  cpuLimitMs: options.cpuLimitMs,
  maxTimers: options.maxTimers,
  // The pool reads V8's words in this process's stderr as memory_exceeded and starts a
  // new child; exiting frees what the runaway built-in holds at once.
  onRunawayMemory: () => {
    process.stderr.write('sandbox child: a run went over its memory limit and could not be stopped: out of memory, exiting\n');
    process.kill(process.pid, 'SIGKILL');
  },
});

/** Largest output message, in UTF-16 units (<= 24 KiB of UTF-8, under LIMITS.maxOutputChunkBytes). */
const MAX_CHUNK = 8 * 1024;

const send = (message: FromChild) => {
  if (process.connected) process.send!(message);
};

// Output is coalesced per turn of the event loop: a program printing in a tight loop
// produces a few large messages instead of thousands of small ones.
let pending: Array<{ stream: 'stdout' | 'stderr'; data: string }> = [];
let pendingId = '';
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  const chunks = pending;
  pending = [];
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.data.length; ) {
      let end = Math.min(chunk.data.length, i + MAX_CHUNK);
      // Never split a surrogate pair across two messages.
      if (end < chunk.data.length && /[\ud800-\udbff]/.test(chunk.data[end - 1]!)) end--;
      send({ type: 'output', executionId: pendingId, stream: chunk.stream, data: chunk.data.slice(i, end) });
      i = end;
    }
  }
}

function emitFor(executionId: string) {
  return (stream: 'stdout' | 'stderr', data: string) => {
    pendingId = executionId;
    const last = pending[pending.length - 1];
    if (last && last.stream === stream && last.data.length < MAX_CHUNK) last.data += data;
    else pending.push({ stream, data });
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };
}

let running: string | null = null;
let memoryLimit: LimitResult = { ok: false, reason: 'not set yet' };

/**
 * The allocator keeps some of what big runs freed, so a child's writable memory creeps up
 * over its life; near its limit it would fail a run that is within its own. It retires
 * then, with the result of a run, and the pool starts a fresh one. What it holds is read
 * as a run starts, when the last run's isolate is gone (the margin leaves room for the
 * run in between).
 */
function nearLimit(): boolean {
  if (!memoryLimit.ok) return false;
  const held = dataBytes();
  return held !== null && held > memoryLimit.dataLimitBytes - RETIRE_MARGIN_MB * 1024 * 1024;
}

async function runJob(job: ExecutorJob): Promise<void> {
  running = job.executionId;
  const retire = nearLimit();
  try {
    const outcome = await executor.run(job, emitFor(job.executionId));
    flush();
    if (retire) {
      // Exit only once the result is on its way: the pool sends nothing more to this child.
      process.send!({ type: 'result', executionId: job.executionId, outcome, retiring: true } satisfies FromChild, () => {
        executor.close();
        process.exit(0);
      });
      return;
    }
    send({ type: 'result', executionId: job.executionId, outcome });
  } catch (err) {
    flush();
    send({
      type: 'result',
      executionId: job.executionId,
      outcome: {
        status: 'crashed',
        error: { name: 'InternalError', message: `the sandbox failed: ${(err as Error)?.message ?? String(err)}` },
        wallMs: 0,
        cpuMs: 0,
        truncated: false,
      },
    });
  } finally {
    running = null;
    void executor.prewarm();
  }
}

process.on('message', (message: unknown) => {
  if (!checkToChild.Check(message)) {
    process.stderr.write(`sandbox child: ignored a message from the pool, ${describeMismatch(checkToChild, message)}\n`);
    return;
  }
  if (message.type === 'run' && running === null) void runJob(message.job);
  else if (message.type === 'cancel' && message.executionId === running) executor.stopCurrent('cancelled');
});
// The pool ends this process (it disconnects, or kills a stuck one); a Ctrl+C that
// reaches the whole process group must not end a run its worker is draining.
process.on('SIGINT', () => {});
process.on('disconnect', () => {
  executor.close();
  process.exit(0);
});

// esbuild starts its service process on first use (~70 ms): pay that before the first job.
transpileTypeScript('const warm: number = 1;', 'warm.ts');
await executor.prewarm();
// The OS limit goes on once the runtime and the first isolates exist, so it is what they
// hold plus room for one run; without it WebAssembly stays away from programs.
memoryLimit = limitOwnData(options.dataHeadroomMb);
if (memoryLimit.ok) {
  executor.allowWebAssembly();
  await executor.prewarm();
}
send({ type: 'ready', memoryLimit: memoryLimit.ok ? { dataBytes: memoryLimit.dataLimitBytes } : { unavailable: memoryLimit.reason } });
