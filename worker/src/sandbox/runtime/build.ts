/**
 * Bundles runtime/ (the Node layer evaluated into the sandbox snapshot) with esbuild.
 * Core modules come from @jspm/core's browser builds; each is `require()`d inside a
 * factory, which esbuild turns into a lazy initialiser, so nothing is evaluated before a
 * program asks for it. Run as a script it writes the bundle to the path in argv[2]
 * (runtime/load.ts runs it that way: the plugin below needs esbuild's async API).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const RUNTIME_DIR = fileURLToPath(new URL('.', import.meta.url));

/** @jspm/core's browser `process` (a module and two shared chunks) becomes ours. */
const ownProcess: Plugin = {
  name: 'own-process',
  setup(b) {
    b.onLoad({ filter: /@jspm[\\/]core[\\/]nodelibs[\\/]browser[\\/].*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const isProcess = /[\\/]process(-production)?\.js$/.test(args.path) || /export \{ process as p \};?\s*$/.test(source);
      if (!isProcess) return undefined;
      const shim = JSON.stringify(`${RUNTIME_DIR}process-shim.js`);
      return { contents: `export { p, process, default } from ${shim};`, loader: 'js' };
    });
  },
};

export async function buildRuntime(): Promise<string> {
  const out = await build({
    entryPoints: [`${RUNTIME_DIR}index.js`],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2024',
    legalComments: 'none',
    // Classes keep their names (EventTarget, not _EventTarget): inspect prints them.
    keepNames: true,
    // Whitespace and syntax only: a smaller snapshot, while names stay readable in stack
    // traces a program may provoke inside a core module.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [ownProcess],
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

if (import.meta.main) {
  const target = process.argv[2];
  if (!target) throw new Error('usage: node build.ts <output file>');
  const text = await buildRuntime();
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, target);
}
