/**
 * Builds the publishable package: `dist/index.js` (the library, for browsers and Node)
 * and `dist/cli.js` (the CLI), plain ESM with no dependencies; the protocol's types are
 * erased, so nothing of the private `@playground/shared` is needed at run time.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export async function buildClient(): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: ['src/index.ts', 'src/cli.ts'],
    outdir: 'dist',
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['node:*'],
    logLevel: 'warning',
  });
}

if (import.meta.main) await buildClient();
