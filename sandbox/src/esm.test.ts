/** The rewrite of ES module syntax into a script (esm.ts), and how such programs end. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moduleToScript } from './esm.ts';
import { SandboxPool } from './index.ts';
import { collect } from './testkit.ts';

describe('moduleToScript', () => {
  it('leaves a program without module syntax alone', () => {
    expect(moduleToScript('console.log("import and export are words")')).toBeNull();
    expect(moduleToScript('const exported = 1; exported')).toBeNull();
  });

  it('leaves code that does not parse to the script path, which reports the error', () => {
    expect(moduleToScript('import { from "x"')).toBeNull();
  });

  it('keeps every line where it was', () => {
    const code = "import {\n  join,\n} from 'path';\nexport const a = 1;\nexport default function f() {}\nconsole.log(join('a'), import.meta.url)\n";
    const out = moduleToScript(code)!;
    expect(out.split('\n')).toHaveLength(code.split('\n').length);
    expect(out.split('\n')[5]).toMatch(/^console\.log\(join\('a'\), __playgroundImport\.meta\.url\)$/);
    expect(out).not.toMatch(/\bexport\b/);
  });

  it('turns import() into the runtime loader, also in a script', () => {
    expect(moduleToScript("const m = await import('events')")).toBe("const m = await __playgroundImport.dynamic('events')");
  });
});

describe('ES module programs in the sandbox', () => {
  let pool: SandboxPool;
  beforeAll(async () => {
    pool = new SandboxPool({ size: 1 });
    await pool.start();
  });
  afterAll(() => pool.close());

  it('points an error at the line and column of the module source', async () => {
    const r = await collect(pool, "import { join } from 'path';\nimport os from 'os';\nconsole.log(join('a'));\n  null.boom;\n");
    expect(r.stdout).toBe('a\n');
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.error).toMatchObject({ name: 'TypeError', line: 4, column: 8 });
  });

  it('refuses a host module imported statically or dynamically, naming it', async () => {
    const a = await collect(pool, "import fs from 'fs';\nconsole.log(fs)");
    expect(a.outcome.status).toBe('failed');
    expect(a.outcome.error?.message).toMatch(/^Cannot use 'fs' in the playground/);
    const b = await collect(pool, "await import('child_process')");
    expect(b.outcome.status).toBe('failed');
    expect(b.outcome.error?.message).toMatch(/^Cannot use 'child_process' in the playground/);
  });

  it('gives import.meta and namespaces that a program cannot change for the next import', async () => {
    const r = await collect(pool, "import * as path from 'path';\ntry { path.join = null } catch (e) { console.log(e.name) }\ntry { import.meta.url = 'x' } catch (e) { console.log(e.name) }\nconst again = await import('path');\nconsole.log(again === path, typeof again.join, import.meta.url)");
    expect(r.stdout).toBe("TypeError\nTypeError\ntrue function file:///main.js\n");
  });

  it('runs TypeScript with imports', async () => {
    const r = await collect(pool, "import { EventEmitter } from 'events';\nconst e: EventEmitter = new EventEmitter();\ne.on('x', (v: number) => console.log(v * 2));\ne.emit('x', 21);", { language: 'typescript' });
    expect(r.stdout).toBe('42\n');
  });
});
