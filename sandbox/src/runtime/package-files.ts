/**
 * Where the bundled npm packages are installed, found as node finds them from the worker.
 * Apart from build-packages.ts so that a sandbox child, which only needs these paths
 * for the bundle cache's key, does not load esbuild.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NPM_PACKAGES } from '@playground/shared/packages';

const RUNTIME_DIR = fileURLToPath(new URL('.', import.meta.url));

/**
 * The list's source and the installed manifests, for the bundle cache's key (a version
 * bump rebuilds it). A manifest is found as node finds the package from the worker.
 */
export function packageInputs(): string[] {
  const manifests = NPM_PACKAGES.map((p) => {
    for (let dir = RUNTIME_DIR; ; dir = dirname(dir)) {
      const manifest = join(dir, 'node_modules', p.name, 'package.json');
      if (existsSync(manifest)) return manifest;
      if (dirname(dir) === dir) throw new Error(`npm package ${p.name} is not installed (run npm ci)`);
    }
  });
  return [fileURLToPath(import.meta.resolve('@playground/shared/packages')), ...manifests];
}

/** Each package's installed folder, by name (the corpus points node at the same ones). */
export function packageDirs(): Record<string, string> {
  return Object.fromEntries(packageInputs().slice(1).map((manifest, i) => [NPM_PACKAGES[i]!.name, dirname(manifest)]));
}
