/**
 * The browser-safe entries of `@playground/shared` stay browser-safe: each is bundled as
 * the web app's bundler would (esbuild, `platform: 'browser'`), with Node's built-ins and
 * the AWS SDK left external, so that any import of them anywhere in the graph shows up in
 * the metafile with the file that made it. The web app and the client import nothing else
 * of this package.
 */
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const shared = fileURLToPath(new URL('..', import.meta.url));
const root = join(shared, '..');
const manifest = JSON.parse(readFileSync(join(shared, 'package.json'), 'utf8')) as { exports: Record<string, string> };

/** The entries a browser may import; every other entry is for the services. */
const BROWSER_ENTRIES = ['.', './protocol', './errors', './limits', './packages'];

/** What a browser cannot load: Node's built-ins (with or without `node:`), the AWS SDK and its Smithy runtime. */
const SERVER_ONLY = ['node:*', ...builtinModules, '@aws-sdk/*', '@smithy/*'];

/** Every module outside the bundle that the entry's graph imports, as `importer -> specifier`. */
async function serverImportsOf(entry: string): Promise<string[]> {
  const target = manifest.exports[entry];
  if (!target) throw new Error(`shared/package.json exports no ${entry}`);
  const { metafile } = await build({
    absWorkingDir: shared,
    entryPoints: [target],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'browser',
    format: 'esm',
    external: SERVER_ONLY,
    logLevel: 'silent',
  });
  return Object.entries(metafile.inputs).flatMap(([file, input]) =>
    input.imports.filter((i) => i.external).map((i) => `${file} -> ${i.path}`));
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && /\.(ts|js|svelte)$/.test(d.name))
    .map((d) => join(d.parentPath, d.name));
}

describe('the browser entries of @playground/shared', () => {
  it.each(BROWSER_ENTRIES)('%s reaches no Node built-in and no AWS SDK module when bundled for a browser', async (entry) => {
    expect(await serverImportsOf(entry)).toEqual([]);
  });

  it('a server entry is caught by the same check, so the check can fail', async () => {
    expect((await serverImportsOf('./executions')).some((line) => line.endsWith('-> @aws-sdk/lib-dynamodb'))).toBe(true);
    expect(await serverImportsOf('./ids')).toContain('src/ids.ts -> node:crypto');
  });

  it('the web app and the client import only the browser entries', () => {
    const used = ['web/src', 'client/src', 'client/test'].flatMap((dir) => filesBelow(join(root, dir)).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from\s+'@playground\/shared(\/[\w-]+)?'/g)].map((m) => ({
        file: relative(root, file),
        entry: m[1] ? `.${m[1]}` : '.',
      }))));
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((u) => !BROWSER_ENTRIES.includes(u.entry))).toEqual([]);
  });
});
