import { describe, expect, it } from 'vitest';
import { RunConsole } from './console.svelte.ts';
import { describeResult, formatDuration } from './describe.ts';
import type { ResultMessage } from '@playground/client';

const limits = { timeoutMs: 5000, memoryMb: 64, maxOutputBytes: 1024 * 1024 };
const stats = { wallMs: 12, cpuMs: 8, queuedMs: 3 };
const result = (over: Partial<ResultMessage> = {}): ResultMessage => ({
  type: 'result',
  executionId: 'ex',
  seq: 9,
  status: 'succeeded',
  stats,
  truncated: false,
  ...over,
});
const texts = (c: RunConsole) => c.lines.map((l) => `${l.kind}:${l.text}`);

describe('RunConsole', () => {
  it('moves its status line from sending to queued to running to the final status with times', () => {
    const c = new RunConsole();
    expect(c.status.text).toBe('Ready');
    c.begin(limits);
    expect(c.status).toEqual({ text: 'Sending…', tone: 'busy' });
    c.accepted();
    expect(c.status.text).toBe('Queued…');
    c.apply({ type: 'started', executionId: 'ex', seq: 1, queuedMs: 3, attempt: 1 });
    expect(c.status.text).toBe('Running…');
    expect(c.busy).toBe(true);
    c.apply(result());
    expect(c.status).toEqual({ text: 'Finished in 12 ms', tone: 'ok' });
    expect(c.stats).toBe('wall 12 ms · CPU 8 ms · queued 3 ms');
    expect(c.busy).toBe(false);
  });

  it('joins chunks into lines and keeps stderr apart from stdout', () => {
    const c = new RunConsole();
    c.begin(limits);
    c.append('stdout', 'hel');
    c.append('stdout', 'lo\nwor');
    c.append('stderr', 'oops\n');
    c.append('stdout', 'ld\n\n');
    expect(texts(c)).toEqual(['stdout:hello', 'stdout:wor', 'stderr:oops', 'stdout:ld', 'stdout:']);
  });

  it('shows the completion value REPL-style but not a bare undefined', () => {
    const c = new RunConsole();
    c.begin(limits);
    c.apply(result({ value: "{ a: 1 }" }));
    expect(texts(c)).toEqual(['value:{ a: 1 }']);
    c.begin(limits);
    c.apply(result({ value: 'undefined' }));
    expect(texts(c)).toEqual([]);
  });

  it('prints the stack of a failure and exposes where it happened for the editor marker', () => {
    const c = new RunConsole();
    c.begin(limits);
    const error = { name: 'TypeError', message: 'x is undefined', stack: 'TypeError: x is undefined\n    at main.ts:3:7', line: 3, column: 7 };
    c.apply(result({ status: 'failed', error }));
    expect(texts(c)).toEqual(['error:TypeError: x is undefined', 'error:    at main.ts:3:7']);
    expect(c.errorLocation).toEqual(error);
    expect(c.status).toEqual({ text: 'Failed: TypeError at line 3, column 7', tone: 'error' });
  });

  it('caps the lines it keeps and counts the ones it dropped', () => {
    const c = new RunConsole({ maxLines: 100 });
    c.begin(limits);
    c.append('stdout', Array.from({ length: 250 }, (_, i) => `line ${i}\n`).join(''));
    expect(c.lines.length).toBeLessThanOrEqual(100);
    expect(c.dropped + c.lines.length).toBe(250);
    expect(c.lines.at(-1)!.text).toBe('line 249');
  });

  it('clears its lines on request without stopping a run in progress', () => {
    const c = new RunConsole();
    c.begin(limits);
    c.apply({ type: 'started', executionId: 'ex', seq: 1, queuedMs: 3, attempt: 1 });
    c.append('stdout', 'a\n');
    const version = c.version;
    c.clear();
    expect(c.lines).toEqual([]);
    expect(c.version).toBeGreaterThan(version);
    expect(c.phase).toBe('running');
  });

  it('says so when the run restarted after a worker died', () => {
    const c = new RunConsole();
    c.begin(limits);
    c.apply({ type: 'started', executionId: 'ex', seq: 1, queuedMs: 3, attempt: 1 });
    c.apply({ type: 'started', executionId: 'ex', seq: 3, queuedMs: 3, attempt: 2 });
    expect(c.status.text).toBe('Running (attempt 2)…');
    expect(texts(c)).toEqual(['notice:The run restarted (attempt 2).']);
  });

  it('ends with the reason when the run was refused', () => {
    const c = new RunConsole();
    c.begin(limits);
    c.end('Not run: code is over 64 KiB');
    expect(c.status).toEqual({ text: 'Not run: code is over 64 KiB', tone: 'error' });
  });

  it('marks output that was cut by the output limit', () => {
    const c = new RunConsole();
    c.begin(limits);
    c.append('stdout', 'partial');
    c.apply(result({ status: 'output_exceeded', truncated: true }));
    expect(texts(c)).toEqual(['stdout:partial', 'notice:… output cut here: the output limit was reached.']);
  });

  it('shows a value cut to its limit with its own marker, and no output-limit notice', () => {
    const c = new RunConsole();
    c.begin(limits);
    c.apply(result({ status: 'succeeded', truncated: true, value: "'vvv… [truncated: 9 more characters]" }));
    expect(texts(c)).toEqual(["value:'vvv… [truncated: 9 more characters]"]);
  });
});

describe('describeResult', () => {
  it('says a run that lasted the whole time limit hit the wall-clock limit', () => {
    const r = result({ status: 'timed_out', stats: { wallMs: 5003, cpuMs: 4990, queuedMs: 1 } });
    expect(describeResult(r, limits).text).toBe('Stopped after 5 s: wall-clock limit');
  });

  it('says a run stopped early by CPU time hit the CPU-time limit', () => {
    const r = result({ status: 'timed_out', stats: { wallMs: 2100, cpuMs: 2000, queuedMs: 1 } });
    expect(describeResult(r, limits).text).toBe('Stopped after 2 s of CPU time: CPU-time limit');
  });

  it('prints nothing for a program that set its exit code, as Node does, and the status says it', () => {
    const c = new RunConsole();
    c.begin(limits);
    c.apply(result({ status: 'failed', exitCode: 2, error: { name: 'ExitCode', message: 'The program exited with code 2.' } }));
    expect(texts(c)).toEqual([]);
    expect(c.status.text).toMatch(/^Exited with code 2 after/);
  });

  it('says a program that set its exit code exited with it, as a shell would', () => {
    const r = result({ status: 'failed', exitCode: 3, error: { name: 'ExitCode', message: 'The program exited with code 3.' }, stats: { wallMs: 12, cpuMs: 2, queuedMs: 1 } });
    expect(describeResult(r, limits)).toEqual({ text: 'Exited with code 3 after 12 ms', tone: 'error' });
  });

  it('names the memory and output limits in plain words', () => {
    expect(describeResult(result({ status: 'memory_exceeded' }), limits).text).toBe(
      'Stopped: the program used more than 64 MB: memory limit',
    );
    expect(describeResult(result({ status: 'output_exceeded' }), limits).text).toBe(
      'Stopped after printing 1 MiB: output limit (the rest was cut)',
    );
  });

  it('describes cancelled and crashed runs', () => {
    expect(describeResult(result({ status: 'cancelled', stats: { wallMs: 1500, cpuMs: 1, queuedMs: 1 } }), limits).text).toBe(
      'Cancelled after 1.5 s',
    );
    expect(describeResult(result({ status: 'crashed' }), limits).tone).toBe('error');
  });

  it('formats durations the way people say them', () => {
    expect([340, 1200, 5000, 12_400, 125_000].map(formatDuration)).toEqual(['340 ms', '1.2 s', '5 s', '12 s', '2 min 5 s']);
  });
});
