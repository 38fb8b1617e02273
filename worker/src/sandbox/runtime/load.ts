/**
 * The runtime bundle's text, for buildSnapshot. It is built once per set of inputs (the
 * files of runtime/ and the versions of esbuild and @jspm/core) and cached under
 * node_modules/.cache, so a sandbox child normally just reads a file; the first child
 * after a change builds it (about a quarter second) in a helper process.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNTIME_DIR = fileURLToPath(new URL('.', import.meta.url));
const CACHE_DIR = fileURLToPath(new URL('../../../../node_modules/.cache/playground-runtime/', import.meta.url));

function inputsHash(): string {
  const require = createRequire(import.meta.url);
  const hash = createHash('sha256');
  // @jspm/core exports no package.json; its manifest sits two levels above any nodelib.
  const jspmManifest = join(dirname(require.resolve('@jspm/core/nodelibs/events')), '../../package.json');
  for (const manifest of [require.resolve('esbuild/package.json'), jspmManifest]) hash.update(readFileSync(manifest));
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

let memo: string | null = null;

export function runtimeSource(): string {
  if (memo !== null) return memo;
  const file = join(CACHE_DIR, `runtime-${inputsHash()}.js`);
  if (!existsSync(file)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    execFileSync(process.execPath, [join(RUNTIME_DIR, 'build.ts'), file], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
    // Bundles of earlier inputs are dead weight; another process may be reading one, which
    // is fine (an unlinked file stays readable while open).
    for (const name of readdirSync(CACHE_DIR)) {
      if (/^runtime-[0-9a-f]+\.js$/.test(name) && join(CACHE_DIR, name) !== file) rmSync(join(CACHE_DIR, name), { force: true });
    }
  }
  memo = readFileSync(file, 'utf8');
  return memo;
}
