/**
 * `npm run build -w @playground/client`: a publishable package in `dist/` (`npm publish
 * client/dist`). Inside the repository the workspace uses the TypeScript sources; what is
 * published is plain ESM with no runtime dependency:
 * - `index.js` (the library, for browsers and Node 22+) and `cli.js` (the CLI), bundled
 *   by esbuild; the protocol's types are erased, so nothing of the private
 *   `@playground/shared` is needed at run time;
 * - declarations from tsc, the protocol schemas' among them (their types are
 *   `Static<typeof Schema>`, hence `@sinclair/typebox` as the one dependency, for types);
 * - a package.json whose exports point at those files.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const dist = join(root, 'dist');

export async function buildClient(options: { declarations?: boolean } = {}): Promise<void> {
  rmSync(dist, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: ['src/index.ts', { in: 'src/bin.ts', out: 'cli' }],
    outdir: 'dist',
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['node:*'],
    logLevel: 'warning',
  });
  if (options.declarations === false) return;
  const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  rewriteSpecifiers(join(dist, 'types'));
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  const typebox = (JSON.parse(readFileSync(join(root, '../shared/package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['@sinclair/typebox'];
  const published = {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    type: 'module',
    engines: manifest.engines,
    exports: { '.': { types: './types/client/src/index.d.ts', default: './index.js' } },
    types: './types/client/src/index.d.ts',
    bin: { playground: './cli.js' },
    dependencies: { '@sinclair/typebox': typebox },
  };
  writeFileSync(join(dist, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  cpSync(join(root, 'README.md'), join(dist, 'README.md'));
  chmodSync(join(dist, 'cli.js'), 0o755);
}

/** Declarations name `.ts` files and the workspace's shared package; published, they name what is beside them. */
function rewriteSpecifiers(dir: string): void {
  const protocol = join(dir, 'shared/src/protocol.js');
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      rewriteSpecifiers(path);
      continue;
    }
    const text = readFileSync(path, 'utf8')
      .replace(/from '(\.{1,2}\/[^']+)\.ts'/g, "from '$1.js'")
      .replace(/from '@playground\/shared\/protocol'/g, () => {
        const target = relative(dirname(path), protocol);
        return `from '${target.startsWith('.') ? target : `./${target}`}'`;
      });
    writeFileSync(path, text);
  }
}

if (import.meta.main) await buildClient();
