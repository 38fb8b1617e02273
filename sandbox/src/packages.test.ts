/**
 * The npm packages a program may load (@playground/shared's NPM_PACKAGES): the list is
 * what is installed, every entry loads by require and by import, and an unknown package
 * names what there is. Output fidelity against node is corpus/npm-packages' job; the
 * hostile cases are in adversarial.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NPM_PACKAGES } from '@playground/shared/packages';
import { SandboxPool } from './index.ts';
import { collect } from './testkit.ts';
import { packageDirs } from './runtime/package-files.ts';
import { runtimeBundle } from './runtime/load.ts';

const ENTRIES = NPM_PACKAGES.flatMap((p) => p.entries);

describe('the npm package list', () => {
  it('pins exactly the versions that are installed', () => {
    const worker = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const dirs = packageDirs();
    for (const p of NPM_PACKAGES) {
      expect(worker.dependencies[p.name], `${p.name} in sandbox/package.json`).toBe(p.version);
      const installed = JSON.parse(readFileSync(join(dirs[p.name]!, 'package.json'), 'utf8')) as { version: string };
      expect(installed.version, `${p.name} installed`).toBe(p.version);
    }
  });

  it('includes the packages people reach for, and none that need the network', () => {
    const names = NPM_PACKAGES.map((p) => p.name);
    for (const name of ['lodash', 'date-fns', 'zod', 'rxjs', 'ramda', 'immer', 'dayjs', 'uuid']) expect(names).toContain(name);
    for (const name of ['axios', 'node-fetch', 'got', 'express']) expect(names).not.toContain(name);
  });

  it('keeps package code out of the snapshot: it is text the isolate asks for', () => {
    const bundle = runtimeBundle();
    // The snapshot's code names the files; lodash's own source is not in it.
    expect(bundle.code).not.toContain('lodash.templateSettings');
    expect(Object.keys(bundle.lazySources).some((k) => k.startsWith('npm/lodash'))).toBe(true);
    expect(bundle.packageBytes).toBeGreaterThan(1_000_000);
  });
});

describe('npm packages in the sandbox', () => {
  let pool: SandboxPool;
  beforeAll(async () => {
    pool = new SandboxPool({ size: 1 });
    await pool.start();
  });
  afterAll(() => pool.close());

  it('loads every entry by require, once per run', async () => {
    const r = await collect(pool, `for (const m of ${JSON.stringify(ENTRIES.filter((e) => e !== 'mathjs'))}) { const a = require(m); console.log(m, a !== undefined && a !== null && a === require(m)) }`, { memoryMb: 128 });
    expect(r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe(ENTRIES.filter((e) => e !== 'mathjs').map((m) => `${m} true\n`).join(''));
  });

  it('loads mathjs, the largest, within the default memory', async () => {
    const r = await collect(pool, `const math = require('mathjs'); console.log(math.evaluate('2 inch to cm').toString())`);
    expect(r.outcome.status).toBe('succeeded');
    expect(r.stdout).toBe('5.08 cm\n');
  });

  it('imports default and named exports as node imports them', async () => {
    const r = await collect(pool, [
      `import _ from 'lodash'; import chalk, { Chalk } from 'chalk'; import * as R from 'ramda'; import { z } from 'zod';`,
      `import dayjs from 'dayjs'; import utc from 'dayjs/plugin/utc.js'; import { v5, validate } from 'uuid'; import YAML, { parse } from 'yaml';`,
      `dayjs.extend(utc);`,
      `console.log(typeof _, _.VERSION, typeof chalk.red, typeof Chalk, R.sum([1, 2]), z.number().parse(1));`,
      `console.log(dayjs.utc(0).format('YYYY'), validate(v5('a', v5.DNS)), YAML.parse === parse, parse('a: 1').a);`,
      `const { nanoid } = await import('nanoid'); console.log(nanoid(5).length);`,
    ].join('\n'));
    expect(r.outcome.error).toBeUndefined();
    expect(r.stdout).toBe('function 4.18.1 function function 3 1\n1970 true true 1\n5\n');
  });

  it('runs a TypeScript program that imports zod', async () => {
    const code = [
      `import { z } from 'zod';`,
      `const User = z.object({ name: z.string(), age: z.number().int() });`,
      `type User = z.infer<typeof User>;`,
      `const u: User = User.parse({ name: 'Ada', age: 36 });`,
      `const bad = User.safeParse({ name: 1 });`,
      `console.log(u.name, bad.success, bad.error?.issues.map((i) => i.path.join('.')).join(','));`,
    ].join('\n');
    const r = await collect(pool, code, { language: 'typescript' });
    expect(r.outcome.error).toBeUndefined();
    expect(r.stdout).toBe('Ada false name,age\n');
  });

  it('fails an unknown package, or a subpath it does not include, naming the packages there are', async () => {
    const r = await collect(pool, `for (const m of ['axios', 'lodash/map', 'left-pad', 'node:lodash']) { try { require(m) } catch (e) { console.log(e.code, e.message.slice(0, 200)) } }`);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    // With `node:` it is a core module that does not exist, as node says.
    expect(lines.pop()).toBe('ERR_UNKNOWN_BUILTIN_MODULE No such built-in module: node:lodash');
    for (const line of lines) expect(line).toMatch(/^MODULE_NOT_FOUND Cannot find module '[^']+': it is not one of the npm packages the playground includes, and nothing is installed at run time\. Packages: chalk 6\.0\.1/);
  });

  it('resolves a package to a path under /node_modules, as node would', async () => {
    const r = await collect(pool, `console.log(require.resolve('lodash'), require.resolve('dayjs/plugin/utc'), require('module').isBuiltin('lodash'))`);
    expect(r.stdout).toBe('/node_modules/lodash /node_modules/dayjs/plugin/utc false\n');
  });

  it('serves the entry with and without .js as one module', async () => {
    const r = await collect(pool, `console.log(require('dayjs/plugin/utc') === require('dayjs/plugin/utc.js'), require('rxjs').Observable === require('rxjs').of(1).constructor)`);
    expect(r.stdout).toBe('true true\n');
  });
});
