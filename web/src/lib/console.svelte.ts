/**
 * The console of one run: its lines as they arrive, and the status line
 * (sending -> queued -> running -> the final status with its times).
 *
 * Lines are immutable objects in a plain array, with a `$state` version counter bumped
 * on change: a program printing a hundred thousand lines must not turn every line into
 * a reactive proxy. The array is capped; the console says how many early lines it
 * dropped, so long output stays smooth.
 */
import { describeResult, formatStats, type Limits, type Tone } from './describe.ts';
import type { ExecutionEvent, ProgramError, ResultMessage } from '@playground/client';

export type LineKind = 'stdout' | 'stderr' | 'value' | 'error' | 'notice';
export interface Line {
  readonly id: number;
  readonly kind: LineKind;
  readonly text: string;
}

export type Phase = 'idle' | 'sending' | 'queued' | 'running' | 'done';

export interface ConsoleOptions {
  /** Lines kept; older ones are dropped (and counted) past this. */
  maxLines?: number;
}

export class RunConsole {
  phase: Phase = $state('idle');
  result: ResultMessage | null = $state.raw(null);
  /** A message for runs that ended without a result (refused, lost). */
  failure: string | null = $state(null);
  attempt = $state(1);
  queuedMs: number | null = $state(null);
  /** Bumped whenever `lines` changes. */
  version = $state(0);
  /** Lines dropped from the top because of the cap. */
  dropped = $state(0);
  /** The limits of the current run, for the plain-words status. */
  limits: Limits = $state.raw({ timeoutMs: 5000, memoryMb: 64, maxOutputBytes: 1024 * 1024 });

  readonly #maxLines: number;
  #lines: Line[] = [];
  #nextId = 1;
  /** The stream whose last line has not ended in a newline yet. */
  #openStream: 'stdout' | 'stderr' | null = null;

  constructor(options: ConsoleOptions = {}) {
    this.#maxLines = options.maxLines ?? 20_000;
  }

  get lines(): readonly Line[] {
    void this.version;
    return this.#lines;
  }

  get busy(): boolean {
    return this.phase === 'sending' || this.phase === 'queued' || this.phase === 'running';
  }

  /** The program error with a place in the source, for the editor marker. */
  get errorLocation(): (ProgramError & { line: number }) | null {
    const error = this.result?.error;
    if (!error || !error.line) return null;
    return error as ProgramError & { line: number };
  }

  get status(): { text: string; tone: Tone | 'busy' | 'idle' } {
    switch (this.phase) {
      case 'idle':
        return { text: 'Ready', tone: 'idle' };
      case 'sending':
        return { text: 'Sending…', tone: 'busy' };
      case 'queued':
        return { text: 'Queued…', tone: 'busy' };
      case 'running':
        return { text: this.attempt > 1 ? `Running (attempt ${this.attempt})…` : 'Running…', tone: 'busy' };
      case 'done':
        if (this.failure) return { text: this.failure, tone: 'error' };
        if (!this.result) return { text: 'Done', tone: 'ok' };
        return describeResult(this.result, this.limits);
    }
  }

  /** Wall, CPU and queue times once the run is over. */
  get stats(): string | null {
    return this.result ? formatStats(this.result.stats) : null;
  }

  /** A new run starts with an empty console. */
  begin(limits: Limits): void {
    this.clear();
    this.limits = limits;
    this.result = null;
    this.failure = null;
    this.attempt = 1;
    this.queuedMs = null;
    this.phase = 'sending';
  }

  accepted(): void {
    if (this.phase === 'sending') this.phase = 'queued';
  }

  apply(event: ExecutionEvent): void {
    switch (event.type) {
      case 'started':
        this.attempt = event.attempt;
        this.queuedMs = event.queuedMs;
        if (event.attempt > 1) this.#push('notice', `The run restarted (attempt ${event.attempt}).`);
        this.phase = 'running';
        return;
      case 'output':
        this.append(event.stream, event.data);
        return;
      case 'result':
        this.#closeOpenLine();
        // An exit code is not an error to print: Node prints nothing for it, and the status line says it.
        if (event.status === 'failed' && event.error && !event.exitCode) {
          this.#pushText('error', event.error.stack || `${event.error.name}: ${event.error.message}`);
        } else if (event.value !== undefined && event.value !== 'undefined') {
          this.#pushText('value', event.value);
        }
        // A value or error cut to its limit says so itself, in its marker.
        if (event.truncated && event.status === 'output_exceeded') this.#push('notice', '… output cut here: the output limit was reached.');
        this.result = event;
        this.phase = 'done';
        return;
    }
  }

  /** The service refused the run, or it could not be followed: nothing more will come. */
  end(message: string): void {
    this.#closeOpenLine();
    this.failure = message;
    this.phase = 'done';
  }

  /** Adds printed data, continuing an unfinished line of the same stream. */
  append(stream: 'stdout' | 'stderr', data: string): void {
    if (data === '') return;
    const pieces = data.split('\n');
    const endsLine = data.endsWith('\n');
    if (endsLine) pieces.pop();
    pieces.forEach((piece, index) => {
      const last = this.#lines.at(-1);
      if (index === 0 && this.#openStream === stream && last) {
        this.#lines[this.#lines.length - 1] = { ...last, text: last.text + piece };
      } else {
        this.#lines.push({ id: this.#nextId++, kind: stream, text: piece });
      }
    });
    this.#openStream = endsLine ? null : stream;
    this.#trim();
    this.version += 1;
  }

  clear(): void {
    this.#lines = [];
    this.#openStream = null;
    this.dropped = 0;
    this.version += 1;
    if (this.phase === 'done') {
      this.phase = 'idle';
      this.result = null;
      this.failure = null;
    }
  }

  #closeOpenLine(): void {
    this.#openStream = null;
  }

  #pushText(kind: LineKind, text: string): void {
    for (const line of text.replace(/\n$/, '').split('\n')) this.#push(kind, line);
  }

  #push(kind: LineKind, text: string): void {
    this.#openStream = null;
    this.#lines.push({ id: this.#nextId++, kind, text });
    this.#trim();
    this.version += 1;
  }

  #trim(): void {
    const excess = this.#lines.length - this.#maxLines;
    if (excess <= 0) return;
    // Drop a tenth more than needed so the copy happens once per many lines, not per line.
    const cut = Math.min(this.#lines.length, excess + Math.ceil(this.#maxLines / 10));
    this.#lines = this.#lines.slice(cut);
    this.dropped += cut;
  }
}
