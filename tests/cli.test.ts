/**
 * The built `playground` CLI, run as a process against the local stack, as a user would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalStack, type LocalStack } from '@playground/local';
import { buildClient } from '../client/build.ts';

const CLI = fileURLToPath(new URL('../client/dist/cli.js', import.meta.url));
let stack: LocalStack;
let dir: string;

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Each stdout chunk with when it arrived (performance.now()). */
  chunks: Array<{ at: number; text: string }>;
  exitedAt: number;
}

/** Runs the CLI with `args`; `file` contents are written first. */
function cli(args: string[], options: { files?: Record<string, string>; input?: string; onStdout?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Outcome> {
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), text);
  const child = spawn(process.execPath, [CLI, ...args, ...(args.includes('--url') ? [] : ['--url', stack.socketUrl])], { cwd: dir });
  const outcome: Outcome = { status: null, stdout: '', stderr: '', chunks: [], exitedAt: 0 };
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    outcome.stdout += text;
    outcome.chunks.push({ at: performance.now(), text });
    options.onStdout?.(text, child);
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (outcome.stderr += text));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve) => child.on('close', (status) => {
    outcome.status = status;
    outcome.exitedAt = performance.now();
    resolve(outcome);
  }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'playground-cli-'));
  await buildClient();
  stack = await startLocalStack({ workers: 1, workerConcurrency: 4, env: { LOG_LEVEL: 'warn' } });
});

afterAll(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('playground run', () => {
  it('streams output as it is printed, before the program ends, and exits 0 when it succeeded', async () => {
    const out = await cli(['run', 'slow.js'], {
      files: { 'slow.js': "console.log('first');\nawait new Promise((r) => setTimeout(r, 1500));\nconsole.log('second');" },
    });
    expect(out.status).toBe(0);
    expect(out.stdout).toBe('first\nsecond\n');
    const first = out.chunks.find((c) => c.text.includes('first'))!;
    const second = out.chunks.find((c) => c.text.includes('second'))!;
    // Two separate arrivals, the first well before the program printed the second line.
    expect(first).not.toBe(second);
    expect(first.at).toBeLessThan(second.at);
    expect(out.stderr).toBe('');
  });

  it('prints a failure with its line and column and exits 1', async () => {
    const out = await cli(['run', 'main.ts'], {
      files: { 'main.ts': "const x: number = 1;\nconsole.log(x);\nthrow new TypeError('nope');\n" },
    });
    expect(out.status).toBe(1);
    expect(out.stdout).toBe('1\n');
    expect(out.stderr).toMatch(/TypeError: nope at main\.ts:3:\d+/);
    expect(out.stderr).toContain('[failed');
  });

  it('exits with the code the program chose, as node would', async () => {
    const out = await cli(['run', 'exit.js'], { files: { 'exit.js': "console.log('bye'); process.exit(7);" } });
    expect(out.status).toBe(7);
    expect(out.stdout).toBe('bye\n');
    // No error line, as node prints none; only the closing line names the code.
    expect(out.stderr).toMatch(/^\[exited with code 7 after \d+ ms\]\n$/);
  });

  it('exits 124 when the program timed out, with --timeout', async () => {
    const out = await cli(['run', 'loop.js', '--timeout', '300'], { files: { 'loop.js': 'while (true) {}' } });
    expect(out.status).toBe(124);
    expect(out.stderr).toContain('[timed_out');
  });

  it('exits 137 when the program ran out of memory, with --memory', async () => {
    const out = await cli(['run', 'hog.js', '--memory', '16'], {
      files: { 'hog.js': 'const keep = []; while (true) keep.push(new Array(1e6).fill(Math.random()));' },
    });
    expect(out.status).toBe(137);
    expect(out.stderr).toContain('[memory_exceeded');
  });

  it('exits 130 when Ctrl-C cancelled the run', async () => {
    let interrupted = false;
    const out = await cli(['run', 'forever.js'], {
      files: { 'forever.js': "setInterval(() => console.log('tick'), 50);" },
      onStdout: (_, child) => {
        // One Ctrl-C cancels; a second would leave at once.
        if (child.signalCode === null && !interrupted) child.kill('SIGINT');
        interrupted = true;
      },
    });
    expect(out.status).toBe(130);
    expect(out.stderr).toContain('[cancelled');
  });

  it('reads the program from stdin with `-` and its input with --stdin FILE', async () => {
    const out = await cli(['run', '-', '--stdin', 'input.txt'], {
      files: { 'input.txt': 'from a file' },
      input: 'console.log(stdin.toUpperCase())',
    });
    expect(out.status).toBe(0);
    expect(out.stdout).toBe('FROM A FILE\n');
  });

  it('with --json prints one JSON event per line, in seq order, ending with the result', async () => {
    const out = await cli(['run', 'two.js', '--json'], { files: { 'two.js': "console.log('a'); console.error('b');" } });
    expect(out.status).toBe(0);
    const events = out.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; seq: number; stream?: string; data?: string });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.type)).toEqual(['started', 'output', 'output', 'result']);
    expect(events.filter((e) => e.type === 'output').map((e) => [e.stream, e.data])).toEqual([['stdout', 'a\n'], ['stderr', 'b\n']]);
  });

  it('exits 4 without a service to talk to, and 2 for a usage mistake', async () => {
    const none = await cli(['run', 'x.js', '--url', 'ws://127.0.0.1:9/ws'], { files: { 'x.js': '1' } });
    expect(none.status).toBe(4);
    expect(none.stderr).toMatch(/could not connect/);
    const usage = await cli(['walk', 'x.js']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('Usage:');
  });
});

describe('the built package', () => {
  it('has a library that needs nothing of Node, so browsers can load it', () => {
    const library = readFileSync(fileURLToPath(new URL('../client/dist/index.js', import.meta.url)), 'utf8');
    expect(library).not.toMatch(/from ["'](node:|@playground|@sinclair)/);
  });

  it('runs a program from plain Node through dist/index.js, with the platform WebSocket', async () => {
    const library = fileURLToPath(new URL('../client/dist/index.js', import.meta.url));
    const script = `import { connect } from ${JSON.stringify(library)};
      const pg = await connect(${JSON.stringify(stack.socketUrl)});
      const run = pg.run({ language: 'javascript', code: 'console.log(40 + 2)' });
      const { status } = await run.result;
      console.log(status, run.stdout.trim());
      pg.close();`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    const status = await new Promise((resolve) => child.on('close', resolve));
    expect([status, stdout]).toEqual([0, 'succeeded 42\n']);
  });
});

describe('playground share', () => {
  it('prints a share link on the web app that serves the socket', async () => {
    const out = await cli(['share', 'hello.js'], { files: { 'hello.js': "console.log('hi')" } });
    expect(out.status).toBe(0);
    const origin = stack.socketUrl.replace(/^ws/, 'http').replace(/\/ws$/, '');
    expect(out.stdout.trim()).toMatch(new RegExp(`^${origin.replace(/[.]/g, '\\.')}/s/[A-Za-z0-9_-]+$`));
  });
});
