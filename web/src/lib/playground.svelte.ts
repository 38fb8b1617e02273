/**
 * The playground's state: the draft (code, language, stdin, limits), the current run
 * and its console, sharing and loading snippets. Components render it and call its
 * verbs; it talks to the service only through the client.
 */
import type { PlaygroundClient } from './client.svelte.ts';
import { RunConsole } from './console.svelte.ts';
import { DEFAULT_CODE, type Example } from './examples.ts';
import type { Language, RunHandle } from '@playground/client';
// A pure module, so the browser bundle gets exactly the server's ranges and nothing else.
import { LIMITS } from '@playground/shared/limits';

export const STORAGE_KEY = 'playground:draft:v1';

export interface Draft {
  language: Language;
  code: string;
  stdin: string;
  timeoutMs: number;
  memoryMb: number;
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

export interface PlaygroundOptions {
  client: PlaygroundClient;
  storage?: StorageLike | null;
  /** How long edits wait before they are written to storage. */
  saveDelayMs?: number;
}

export type ShareState =
  | { state: 'idle' }
  | { state: 'sharing' }
  | { state: 'shared'; snippetId: string }
  | { state: 'failed'; message: string };

const clamp = (value: unknown, range: { min: number; max: number; default: number }): number =>
  typeof value === 'number' && Number.isFinite(value)
    ? Math.min(range.max, Math.max(range.min, Math.round(value)))
    : range.default;

export function readDraft(storage: StorageLike | null | undefined): Draft {
  let saved: Partial<Draft> = {};
  try {
    saved = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '{}') ?? {};
  } catch {
    // A corrupt draft is replaced by the default rather than breaking the page.
  }
  return {
    language: saved.language === 'typescript' ? 'typescript' : 'javascript',
    code: typeof saved.code === 'string' ? saved.code : DEFAULT_CODE,
    stdin: typeof saved.stdin === 'string' ? saved.stdin : '',
    timeoutMs: clamp(saved.timeoutMs, LIMITS.timeoutMs),
    memoryMb: clamp(saved.memoryMb, LIMITS.memoryMb),
  };
}

export class Playground {
  language: Language = $state('javascript');
  code = $state('');
  stdin = $state('');
  timeoutMs: number = $state(LIMITS.timeoutMs.default);
  memoryMb: number = $state(LIMITS.memoryMb.default);
  share: ShareState = $state({ state: 'idle' });
  /** Set while a permalink loads, and if it could not be loaded. */
  loading = $state(false);
  loadError: string | null = $state(null);
  readonly console = new RunConsole();
  readonly client: PlaygroundClient;

  readonly #storage: StorageLike | null;
  readonly #saveDelayMs: number;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;
  #handle: RunHandle | null = null;
  /** What the last share stored, so that an edit turns the Share button back on. */
  #sharedSource = '';

  constructor(options: PlaygroundOptions) {
    this.client = options.client;
    this.#storage = options.storage ?? null;
    this.#saveDelayMs = options.saveDelayMs ?? 300;
    const draft = readDraft(this.#storage);
    this.language = draft.language;
    this.code = draft.code;
    this.stdin = draft.stdin;
    this.timeoutMs = draft.timeoutMs;
    this.memoryMb = draft.memoryMb;
  }

  get running(): boolean {
    return this.console.busy;
  }

  get draft(): Draft {
    return {
      language: this.language,
      code: this.code,
      stdin: this.stdin,
      timeoutMs: this.timeoutMs,
      memoryMb: this.memoryMb,
    };
  }

  /**
   * Writes the draft to storage a moment after the last change. It reads every field
   * synchronously, so calling it from an `$effect` re-runs it on each edit.
   */
  save(): void {
    const draft = JSON.stringify(this.draft);
    if (this.share.state === 'shared' && this.#source() !== this.#sharedSource) this.share = { state: 'idle' };
    clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => {
      try {
        this.#storage?.setItem(STORAGE_KEY, draft);
      } catch {
        // Storage full or disabled (private mode): the draft just is not kept.
      }
    }, this.#saveDelayMs);
  }

  run(): void {
    if (this.running) return;
    const { language, code, stdin, timeoutMs, memoryMb } = this;
    this.console.begin({ timeoutMs, memoryMb, maxOutputBytes: LIMITS.maxOutputBytes });
    const handle = this.client.run(
      { language, code, ...(stdin ? { stdin } : {}), timeoutMs, memoryMb },
      {
        onAccepted: () => this.console.accepted(),
        onEvent: (event) => {
          if (this.#handle !== handle) return;
          this.console.apply(event);
          if (event.type === 'result') this.#handle = null;
        },
        onRejected: (error) => {
          if (this.#handle !== handle) return;
          this.#handle = null;
          this.console.end(`Not run: ${error.message}`);
        },
        onLost: (error) => {
          if (this.#handle !== handle) return;
          this.#handle = null;
          this.console.end(`Lost track of this run: ${error.message}`);
        },
      },
    );
    this.#handle = handle;
  }

  cancel(): void {
    this.#handle?.cancel();
  }

  clearOutput(): void {
    this.console.clear();
  }

  setLanguage(language: Language): void {
    this.language = language;
  }

  loadExample(example: Example): void {
    this.language = example.language;
    this.code = example.code;
    this.stdin = example.stdin ?? '';
  }

  /** Stores the draft as a snippet; resolves with its id (also kept in `share`). */
  async createShare(): Promise<string | null> {
    if (this.share.state === 'sharing') return null;
    this.share = { state: 'sharing' };
    const source = this.#source();
    try {
      const snippetId = await this.client.share({
        language: this.language,
        code: this.code,
        ...(this.stdin ? { stdin: this.stdin } : {}),
      });
      this.#sharedSource = source;
      this.share = { state: 'shared', snippetId };
      return snippetId;
    } catch (error) {
      this.share = { state: 'failed', message: (error as Error).message };
      return null;
    }
  }

  /** Opens a permalink: its code, language and stdin replace the draft. */
  async loadSnippet(snippetId: string): Promise<boolean> {
    this.loading = true;
    this.loadError = null;
    try {
      const snippet = await this.client.load(snippetId);
      this.language = snippet.language;
      this.code = snippet.code;
      this.stdin = snippet.stdin ?? '';
      this.#sharedSource = this.#source();
      this.share = { state: 'shared', snippetId };
      return true;
    } catch (error) {
      this.loadError = `Could not open shared snippet ${snippetId}: ${(error as Error).message}`;
      return false;
    } finally {
      this.loading = false;
    }
  }

  #source(): string {
    return JSON.stringify([this.language, this.code, this.stdin]);
  }
}
