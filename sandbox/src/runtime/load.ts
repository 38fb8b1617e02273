/**
 * The runtime bundle (the snapshot's Node layer and the core modules kept as text), for
 * buildSnapshot and the isolates' library loader. It is built once per set of inputs (the
 * files of runtime/, the versions of esbuild, @jspm/core and @noble/hashes, the npm package
 * list and the installed packages' versions) and cached under
 * node_modules/.cache, so a sandbox child normally just reads a file; the first child
 * after a change builds it (about 2 s, most of it bundling the npm packages) in a helper process.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuntimeBundle } from './build.ts';
import { packageInputs } from './package-files.ts';

const RUNTIME_DIR = fileURLToPath(new URL('.', import.meta.url));
const CACHE_DIR = fileURLToPath(new URL('../../../node_modules/.cache/playground-runtime/', import.meta.url));

function inputsHash(): string {
  const require = createRequire(import.meta.url);
  const hash = createHash('sha256');
  // @jspm/core exports no package.json; its manifest sits two levels above any nodelib.
  const jspmManifest = join(dirname(require.resolve('@jspm/core/nodelibs/events')), '../../package.json');
  const nobleManifest = join(dirname(require.resolve('@noble/hashes')), 'package.json');
  for (const manifest of [require.resolve('esbuild/package.json'), jspmManifest, nobleManifest, ...packageInputs()]) hash.update(readFileSync(manifest));
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(js|ts)$/.test(name) && !/\.test\.ts$/.test(name)) hash.update(name).update(readFileSync(path));
    }
  };
  walk(RUNTIME_DIR);
  return hash.digest('hex').slice(0, 24);
}

let memo: RuntimeBundle | null = null;

export function runtimeBundle(): RuntimeBundle {
  if (memo !== null) return memo;
  const file = join(CACHE_DIR, `runtime-${inputsHash()}.json`);
  if (!existsSync(file)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    execFileSync(process.execPath, [join(RUNTIME_DIR, 'build.ts'), file], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
    // Bundles of earlier inputs are dead weight; another process may be reading one, which
    // is fine (an unlinked file stays readable while open).
    for (const name of readdirSync(CACHE_DIR)) {
      if (/^runtime-[0-9a-f]+\.js(on)?$/.test(name) && join(CACHE_DIR, name) !== file) rmSync(join(CACHE_DIR, name), { force: true });
    }
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as RuntimeBundle;
  // Served to isolates by name: only the build's own keys count, never inherited ones.
  memo = { code: parsed.code, packageBytes: parsed.packageBytes, lazySources: Object.assign(Object.create(null), parsed.lazySources) as Record<string, string> };
  return memo;
}

/** What the isolate's library loader asks for: the text of one lazily compiled file. */
export function librarySource(file: unknown): string | undefined {
  if (typeof file !== 'string') return undefined;
  const { lazySources } = runtimeBundle();
  return Object.hasOwn(lazySources, file) ? lazySources[file] : undefined;
}
