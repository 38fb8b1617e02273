/**
 * What the Node layer (runtime/) costs: hello world in isolates from two snapshots side
 * by side in one process, interleaved so machine noise hits both alike, and the price of
 * each core module's and npm package's first require (and the packages' bundle size). Run:
 *   node sandbox/src/bench-runtime.ts [runs] [baseline-prelude.js]
 * Without a baseline prelude, "before" is this prelude without the Node layer.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ivm from 'isolated-vm';
import { NPM_PACKAGES } from '@playground/shared/packages';
import { moduleToScript } from './esm.ts';
import { withInspectHooks } from './executor.ts';
import { librarySource, runtimeBundle } from './runtime/load.ts';
import { SNAPSHOT_WARMUP } from './runtime/warmup.ts';

const require = createRequire(import.meta.url);
const inspectSource = readFileSync(require.resolve('node-inspect-extracted'), 'utf8');
// As executor.ts builds it (the prelude needs the inspect hooks).
const inspectScript = `(function () { var __inspectHooks = { promise: null, entries: null }; var module = { exports: {} }; var exports = module.exports;\n${withInspectHooks(inspectSource)}\n;globalThis.__playgroundInspect = module.exports; globalThis.__playgroundInspectHooks = __inspectHooks; })();`;
const WARM = 'console.log({ a: [1, "x"], m: new Map([[1, 2]]) }, "%s %d", "s", 1)';

/** "before" is built the way the snapshot was built before the Node layer; "after" as now. */
function snapshot(prelude: string, withNode: boolean): ivm.ExternalCopy<ArrayBuffer> {
  const scripts = [{ code: inspectScript, filename: 'playground:inspect' }, { code: prelude, filename: 'playground:runtime' }];
  if (withNode) scripts.push({ code: `globalThis.__playgroundNodeVersions = ${JSON.stringify(process.versions)};\n${runtimeBundle().code}`, filename: 'playground:node' });
  return ivm.Isolate.createSnapshot(scripts, withNode ? SNAPSHOT_WARMUP : WARM);
}

interface Sample { createMs: number; runMs: number; runCpuMs: number; out: string }

async function once(snap: ivm.ExternalCopy<ArrayBuffer>, code: string): Promise<Sample> {
  let out = '';
  const t0 = performance.now();
  const isolate = new ivm.Isolate({ memoryLimit: 64, snapshot: snap });
  const context = isolate.createContextSync();
  const write = new ivm.Callback((_fd: unknown, text: unknown) => { out += String(text); }, { ignored: true });
  const random = new ivm.Callback((n: number) => new Uint8Array(n));
  const exit = new ivm.Callback(() => {});
  const source = new ivm.Callback((file: unknown) => librarySource(file));
  const handle = context.evalClosureSync('return __playground.attach($0, $1, $2, $3)', [write, random, exit, source], { result: { reference: true } }) as ivm.Reference<Record<string, unknown>>;
  const start = handle.getSync('start', { reference: true }) as ivm.Reference<(...a: unknown[]) => number>;
  const step = handle.getSync('step', { reference: true }) as ivm.Reference<() => number | string>;
  const t1 = performance.now();
  const cpu0 = isolate.cpuTime;
  await start.apply(undefined, [code, 'main.js', '', 10000, 1 << 20], { timeout: 5000 });
  let r: unknown = 0;
  while (typeof r === 'number') {
    if (r > 0) await new Promise((resolve) => setTimeout(resolve, r as number));
    r = await step.apply(undefined, [], { timeout: 5000 });
  }
  const runMs = performance.now() - t1;
  const runCpuMs = Number(isolate.cpuTime - cpu0) / 1e6;
  isolate.dispose();
  return { createMs: t1 - t0, runMs, runCpuMs, out };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => n.toFixed(3).padStart(8);

export async function benchRuntime(runs = 300, baselinePrelude?: string) {
  const current = readFileSync(new URL('./prelude.js', import.meta.url), 'utf8');
  const before = snapshot(baselinePrelude ?? current, false);
  const after = snapshot(current, true);
  const hello = 'console.log("hello, world")';
  const samples = { before: [] as Sample[], after: [] as Sample[] };
  for (let i = 0; i < 20; i++) { await once(before, hello); await once(after, hello); }
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first so neither always runs on a warmer cache.
    const order = i % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
    for (const which of order) {
      const s = await once(which === 'before' ? before : after, hello);
      if (s.out !== 'hello, world\n') throw new Error(`${which}: printed ${JSON.stringify(s.out)}`);
      samples[which].push(s);
    }
  }
  const row = (name: string, xs: Sample[]) => `${name.padEnd(8)} ${fmt(median(xs.map((s) => s.createMs)))} ${fmt(median(xs.map((s) => s.runMs)))} ${fmt(median(xs.map((s) => s.runCpuMs)))}`;
  console.log(`hello world, ${runs} runs each, medians (ms)   create      run  run cpu`);
  console.log(row('before', samples.before));
  console.log(row('after', samples.after));
  console.log(`snapshot bytes: before ${before.copy().byteLength}, after ${after.copy().byteLength}`);

  // First require of each module, over hello world in the same snapshot.
  const base = median(await Promise.all(Array.from({ length: 1 }, () => 0)).then(async () => {
    const xs: number[] = [];
    for (let i = 0; i < 30; i++) xs.push((await once(after, hello)).runCpuMs);
    return xs;
  }));
  console.log('\nfirst require, extra CPU over hello world (median of 15, ms)');
  for (const name of ['events', 'buffer', 'util', 'assert', 'path', 'url', 'querystring', 'string_decoder', 'stream', 'zlib', 'os', 'timers', 'readline', 'crypto']) {
    const xs: number[] = [];
    for (let i = 0; i < 15; i++) xs.push((await once(after, `require('${name}'); console.log("hello, world")`)).runCpuMs);
    console.log(`  ${name.padEnd(15)} ${fmt(median(xs) - base)}`);
  }

  // crypto's libraries (libs/hashes.js, libs/ciphers.js) load on first use, not on require.
  console.log('\nfirst use of crypto, extra CPU over hello world (median of 15, ms)');
  const cryptoUses: Array<[string, string]> = [
    ['createHash sha256', "require('crypto').createHash('sha256').update('x').digest('hex')"],
    ['aes-256-gcm round trip', "const c = require('crypto'); const k = Buffer.alloc(32), iv = Buffer.alloc(12); const e = c.createCipheriv('aes-256-gcm', k, iv); const x = Buffer.concat([e.update('hello'), e.final()]); const d = c.createDecipheriv('aes-256-gcm', k, iv); d.setAuthTag(e.getAuthTag()); d.update(x); d.final()"],
    ['aes-256-cbc 1 MB', "const c = require('crypto').createCipheriv('aes-256-cbc', Buffer.alloc(32), Buffer.alloc(16)); c.update(Buffer.alloc(1 << 20)); c.final()"],
    ['aes-256-gcm 1 MB', "const c = require('crypto').createCipheriv('aes-256-gcm', Buffer.alloc(32), Buffer.alloc(12)); c.update(Buffer.alloc(1 << 20)); c.final()"],
    ['chacha20-poly1305 1 MB', "const c = require('crypto').createCipheriv('chacha20-poly1305', Buffer.alloc(32), Buffer.alloc(12)); c.update(Buffer.alloc(1 << 20)); c.final()"],
    ['scryptSync (N=16384)', "require('crypto').scryptSync('pw', 'salt', 32)"],
  ];
  for (const [label, code] of cryptoUses) {
    const xs: number[] = [];
    for (let i = 0; i < 15; i++) {
      const s = await once(after, `${code}; console.log("hello, world")`);
      if (s.out !== 'hello, world\n') throw new Error(`${label}: printed ${JSON.stringify(s.out)}`);
      xs.push(s.runCpuMs);
    }
    console.log(`  ${label.padEnd(24)} ${fmt(median(xs) - base)}`);
  }

  // npm packages: bundled text the isolate compiles on first use (see runtime/build-packages.ts).
  const bundle = runtimeBundle();
  const kb = (n: number) => `${(n / 1024).toFixed(0).padStart(6)} KB`;
  console.log(`\nnpm packages: ${kb(bundle.packageBytes)} of bundled text in all, snapshot code ${kb(bundle.code.length)}`);
  console.log('first require or import, extra CPU over hello world (median of 9, ms), and the text it compiles');
  const programs: Array<[string, string, string]> = [
    ["require('lodash')", "require('lodash')", 'lodash'],
    ["import 'date-fns'", moduleToScript("import { format } from 'date-fns';") ?? '', 'date-fns'],
    ...NPM_PACKAGES.filter((p) => p.name !== 'lodash' && p.name !== 'date-fns').map((p): [string, string, string] => [`require('${p.name}')`, `require('${p.name}')`, p.name]),
  ];
  for (const [label, code, spec] of programs) {
    const xs: number[] = [];
    for (let i = 0; i < 9; i++) {
      const s = await once(after, `${code}; console.log("hello, world")`);
      if (s.out !== 'hello, world\n') throw new Error(`${label}: printed ${JSON.stringify(s.out)}`);
      xs.push(s.runCpuMs);
    }
    console.log(`  ${label.padEnd(20)} ${fmt(median(xs) - base)}   ${kb(textOf(bundle.lazySources, spec))}`);
  }
}

/** Bytes of the files an entry needs: its own and the shared chunks it requires. */
function textOf(sources: Record<string, string>, spec: string): number {
  const entry = Object.keys(sources).find((k) => k === `npm/${spec.replace(/[^A-Za-z0-9_-]/g, '__')}.js`);
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key) || sources[key] === undefined) return;
    seen.add(key);
    for (const m of sources[key].matchAll(/require\("\.\/([^"]+)"\)/g)) visit(`npm/${m[1]}`);
  };
  if (entry) visit(entry);
  return [...seen].reduce((n, k) => n + sources[k]!.length, 0);
}

if (import.meta.main) {
  const baseline = process.argv[3] ? readFileSync(process.argv[3], 'utf8') : undefined;
  await benchRuntime(Number(process.argv[2] ?? 300), baseline);
}
