/**
 * Everyday Node programs (corpus/<category>/<name>.js, stdin in <name>.stdin) run in the
 * sandbox and in `node` 24 as main.js in a temp dir, and must print the same bytes on
 * stdout and stderr and end with the same exit status. Programs that differ for an
 * accepted reason are in KNOWN_DIFFERENCES (each reason is also in docs/runtime.md); they
 * must still differ, so the list cannot go stale. The pass rate per category is printed.
 * Programs in `npm-packages` run in node from a temp dir whose node_modules links to the
 * installed packages the sandbox bundles, so both run the same versions.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPool } from './index.ts';
import { collect, type Collected } from './testkit.ts';
import { packageDirs } from './runtime/package-files.ts';

const NODE = join(import.meta.dirname, '../../node_modules/.bin/node');
const CORPUS = join(import.meta.dirname, 'corpus');

/** `category/name` -> why the playground prints something else. */
export const KNOWN_DIFFERENCES: Record<string, string> = {
  'commonjs/this-is-module-exports': 'main.js runs as a script (to keep its completion value), so top-level `this` is the global object, not module.exports.',
  'core-modules/assert-diff-message': "assert comes from @jspm/core's port of an older Node: a failed deepStrictEqual shows the older diff layout.",
};

interface Program { id: string; category: string; code: string; stdin: string }

function listPrograms(): Program[] {
  const out: Program[] = [];
  for (const category of readdirSync(CORPUS).sort()) {
    for (const file of readdirSync(join(CORPUS, category)).sort()) {
      if (!file.endsWith('.js')) continue;
      const name = file.slice(0, -3);
      const stdinFile = join(CORPUS, category, `${name}.stdin`);
      out.push({
        id: `${category}/${name}`,
        category,
        code: readFileSync(join(CORPUS, category, file), 'utf8'),
        stdin: existsSync(stdinFile) ? readFileSync(stdinFile, 'utf8') : '',
      });
    }
  }
  return out;
}

interface Run { stdout: string; stderr: string; exit: number }

function runNode(root: string, program: Program): Promise<Run> {
  const dir = mkdtempSync(join(root, program.category === 'npm-packages' ? 'npm/p-' : 'p-'));
  writeFileSync(join(dir, 'main.js'), program.code);
  return new Promise((resolve, reject) => {
    const child = execFile(NODE, ['main.js'], { cwd: dir, env: {}, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err && err.killed) return reject(err);
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      // The temp dir stands for the playground's root; the process id differs per run.
      const clean = (s: string) => s.replaceAll(`${dir}/`, '/').replaceAll(dir, '/').replace(/\(node:\d+\)/g, '(node:PID)');
      resolve({ stdout: clean(stdout), stderr: uncaughtHeader(clean(stderr)), exit: code });
    });
    child.stdin!.end(program.stdin);
  });
}

/**
 * Node reports an uncaught error on stderr with the source line, a caret and the stack;
 * the playground reports it as the run's error instead. Both are reduced to the same
 * shape: what the program itself printed, then `Uncaught <first line of the error>` (without
 * the `[ERR_CODE]` tag, which node prints and the playground's stack line may not).
 */
function uncaughtHeader(stderr: string): string {
  const m = /(^|\n)(?:\/main\.js|node:[\w/]+):\d+\n[^]*?\n\n+([^\n]+)\n[^]*\nNode\.js v[\d.]+\n$/.exec(stderr);
  if (!m) return stderr;
  return `${stderr.slice(0, m.index + m[1]!.length)}Uncaught ${m[2]!.replace(/ \[[A-Z_]+\]:/, ':')}\n`;
}

function asRun(c: Collected): Run {
  const { outcome } = c;
  let stderr = c.stderr.replace(/\(node:\d+\)/g, '(node:PID)');
  if (outcome.status === 'failed' && outcome.exitCode === undefined && outcome.error) {
    const first = (outcome.error.stack ?? `${outcome.error.name}: ${outcome.error.message}`).split('\n')[0];
    stderr += `Uncaught ${first!.replace(/ \[[A-Z_]+\]:/, ':')}\n`;
  }
  const exit = outcome.exitCode ?? (outcome.status === 'succeeded' ? 0 : outcome.status === 'failed' ? 1 : -1);
  return { stdout: c.stdout, stderr, exit };
}

const programs = listPrograms();

describe('everyday node programs run as they do in node 24', () => {
  let pool: SandboxPool;
  let root: string;
  const expected = new Map<string, Run>();
  const passed = new Map<string, boolean>();

  beforeAll(async () => {
    pool = new SandboxPool({ size: 2 });
    root = mkdtempSync(join(tmpdir(), 'corpus-'));
    // Links, not copies: node follows them to the real folders, whose own dependencies resolve as installed.
    mkdirSync(join(root, 'npm/node_modules'), { recursive: true });
    for (const [name, dir] of Object.entries(packageDirs())) symlinkSync(dir, join(root, 'npm/node_modules', name), 'dir');
    for (let i = 0; i < programs.length; i += 4) {
      const batch = programs.slice(i, i + 4);
      const runs = await Promise.all(batch.map((p) => runNode(root, p)));
      batch.forEach((p, k) => expected.set(p.id, runs[k]!));
    }
    await pool.start();
  }, 300_000);

  afterAll(async () => {
    await pool.close();
    rmSync(root, { recursive: true, force: true });
    const byCategory = new Map<string, { pass: number; total: number }>();
    for (const p of programs) {
      const entry = byCategory.get(p.category) ?? { pass: 0, total: 0 };
      entry.total++;
      if (passed.get(p.id)) entry.pass++;
      byCategory.set(p.category, entry);
    }
    const lines = [...byCategory].map(([c, { pass, total }]) => `  ${c.padEnd(14)} ${String(pass).padStart(3)}/${String(total).padEnd(3)} ${((100 * pass) / total).toFixed(0)}%`);
    console.log(`corpus pass rate (identical to node 24):\n${lines.join('\n')}`);
  });

  it('has at least 80 programs', () => {
    expect(programs.length).toBeGreaterThanOrEqual(80);
  });

  it('has at least 20 programs using npm packages', () => {
    expect(programs.filter((p) => p.category === 'npm-packages').length).toBeGreaterThanOrEqual(20);
  });

  it('lists only known differences that exist', () => {
    for (const id of Object.keys(KNOWN_DIFFERENCES)) expect(programs.map((p) => p.id)).toContain(id);
  });

  for (const program of programs) {
    const known = KNOWN_DIFFERENCES[program.id];
    const title = known ? `${program.id} differs from node for a documented reason` : `${program.id} prints what node prints and exits the same way`;
    it(title, async () => {
      const ours = asRun(await collect(pool, program.code, { stdin: program.stdin }));
      const theirs = expected.get(program.id)!;
      const same = ours.stdout === theirs.stdout && ours.stderr === theirs.stderr && ours.exit === theirs.exit;
      passed.set(program.id, same);
      if (known) {
        expect(same, `${program.id} now matches node: remove it from KNOWN_DIFFERENCES`).toBe(false);
        return;
      }
      expect(ours).toEqual(theirs);
    });
  }
});
