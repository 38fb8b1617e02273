import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PlaygroundClient } from './client.svelte.ts';
import { EXAMPLES } from './examples.ts';
import { Playground, readDraft, STORAGE_KEY } from './playground.svelte.ts';
import { snippetIdFromPath, shareUrl } from './share.ts';
import { socketFactory } from '../test/fake-socket.ts';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
  };
}

function setup(storage = memoryStorage()) {
  const factory = socketFactory();
  const client = new PlaygroundClient({ url: 'ws://t/ws', createSocket: factory.create, random: () => 0.5 });
  client.start();
  factory.last.open();
  const playground = new Playground({ client, storage, saveDelayMs: 10 });
  return { playground, factory, storage };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Playground', () => {
  it('starts from the saved draft and writes edits back to storage', () => {
    const storage = memoryStorage({
      [STORAGE_KEY]: JSON.stringify({ language: 'typescript', code: 'let a = 1', stdin: 'x', timeoutMs: 2000, memoryMb: 32 }),
    });
    const { playground } = setup(storage);
    expect(playground.draft).toEqual({ language: 'typescript', code: 'let a = 1', stdin: 'x', timeoutMs: 2000, memoryMb: 32 });
    playground.code = 'let b = 2';
    playground.save();
    vi.advanceTimersByTime(10);
    expect(JSON.parse(storage.data.get(STORAGE_KEY)!)).toMatchObject({ code: 'let b = 2' });
  });

  it('replaces a corrupt or out-of-range draft with defaults', () => {
    const draft = readDraft(memoryStorage({ [STORAGE_KEY]: JSON.stringify({ language: 'cobol', timeoutMs: 1e9, memoryMb: 'x' }) }));
    expect(draft).toMatchObject({ language: 'javascript', timeoutMs: 30_000, memoryMb: 64 });
    expect(readDraft(memoryStorage({ [STORAGE_KEY]: '{not json' })).language).toBe('javascript');
  });

  it('runs the draft with its limits and feeds the console', () => {
    const { playground, factory } = setup();
    playground.code = 'console.log(1)';
    playground.stdin = 'in';
    playground.timeoutMs = 3000;
    playground.run();
    const run = factory.last.sent.at(-1)!;
    expect(run).toMatchObject({ action: 'run', language: 'javascript', code: 'console.log(1)', stdin: 'in', timeoutMs: 3000, memoryMb: 64 });
    expect(playground.running).toBe(true);
    factory.last.receive({ type: 'accepted', requestId: run.requestId, executionId: 'ex', token: 't' });
    factory.last.receive({ type: 'started', executionId: 'ex', seq: 1, queuedMs: 1, attempt: 1 });
    factory.last.receive({ type: 'output', executionId: 'ex', seq: 2, stream: 'stdout', data: '1\n' });
    expect(playground.console.lines.map((l) => l.text)).toEqual(['1']);
    factory.last.receive({ type: 'result', executionId: 'ex', seq: 3, status: 'succeeded', stats: { wallMs: 1, cpuMs: 1, queuedMs: 1 }, truncated: false });
    expect(playground.running).toBe(false);
  });

  it('ignores a second Run while one is in progress, and cancels the current one', () => {
    const { playground, factory } = setup();
    playground.run();
    playground.run();
    const run = factory.last.sent.at(-1)!;
    factory.last.receive({ type: 'accepted', requestId: run.requestId, executionId: 'ex', token: 't' });
    playground.cancel();
    expect(factory.last.actions()).toEqual(['run', 'cancel']);
  });

  it('loads an example with its language and stdin', () => {
    const { playground } = setup();
    const example = EXAMPLES.find((e) => e.stdin)!;
    playground.loadExample(example);
    expect(playground.draft).toMatchObject({ language: example.language, code: example.code, stdin: example.stdin });
  });

  it('shares the draft and turns Share back on after an edit', async () => {
    const { playground, factory } = setup();
    const pending = playground.createShare();
    expect(playground.share.state).toBe('sharing');
    const share = factory.last.sent.at(-1)!;
    factory.last.receive({ type: 'shared', requestId: share.requestId, snippetId: 'Zx9' });
    await expect(pending).resolves.toBe('Zx9');
    expect(playground.share).toEqual({ state: 'shared', snippetId: 'Zx9' });
    playground.code += '\n// edited';
    playground.save();
    expect(playground.share.state).toBe('idle');
  });

  it('opens a permalink into the editor, and says so when the snippet does not exist', async () => {
    const { playground, factory } = setup();
    const opened = playground.loadSnippet('Zx9');
    const load = factory.last.sent.at(-1)!;
    factory.last.receive({ type: 'snippet', requestId: load.requestId, snippetId: 'Zx9', language: 'typescript', code: 'type A = 1', stdin: 's' });
    await expect(opened).resolves.toBe(true);
    expect(playground.draft).toMatchObject({ language: 'typescript', code: 'type A = 1', stdin: 's' });

    const missing = playground.loadSnippet('nope');
    const second = factory.last.sent.at(-1)!;
    factory.last.receive({ type: 'error', requestId: second.requestId, error: { code: 'not_found', message: 'snippet nope' } });
    await expect(missing).resolves.toBe(false);
    expect(playground.loadError).toContain('nope');
  });
});

describe('share links', () => {
  it('are /s/<id> and read back from the path', () => {
    expect(shareUrl('https://play.example', 'AbC_1-2')).toBe('https://play.example/s/AbC_1-2');
    expect(snippetIdFromPath('/s/AbC_1-2')).toBe('AbC_1-2');
    expect(snippetIdFromPath('/s/AbC/')).toBe('AbC');
    expect(snippetIdFromPath('/s/not%20valid')).toBeNull();
    expect(snippetIdFromPath('/other')).toBeNull();
  });
});

describe('examples', () => {
  it('offer at least 8 programs with unique ids, in both languages', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(8);
    expect(new Set(EXAMPLES.map((e) => e.id)).size).toBe(EXAMPLES.length);
    expect(new Set(EXAMPLES.map((e) => e.language))).toEqual(new Set(['javascript', 'typescript']));
  });
});
