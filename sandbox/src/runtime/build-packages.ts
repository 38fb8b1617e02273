/**
 * Bundles the npm packages a program may load (NPM_PACKAGES in @playground/shared) for
 * the sandbox. Each entry (`lodash`, `lodash/fp`, `rxjs/operators`, ...) is one esbuild
 * entry point and code they share lands in shared chunks, so `rxjs` and `rxjs/operators`
 * see one `Observable` class, as in node. Every file becomes a CommonJS body kept as
 * text: the snapshot holds only names, and a file is compiled in the isolate on the first
 * require that needs it (runtime/packages.js), so hello world pays nothing for them.
 *
 * An entry is `export default require('<spec>')`: esbuild then resolves it with the
 * `require` condition, as node's require does, and the default export is what node's
 * require returns (module.exports, or the namespace of an ES-module-only package). The
 * platform is neutral (no `node` condition) so packages pick their portable builds
 * (crypto.getRandomValues, not node:crypto's internals); a Node core module a package
 * still asks for is left as `require('<name>')` and served by the sandbox's own.
 */
import { builtinModules } from 'node:module';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform, type BuildOptions, type Plugin } from 'esbuild';
import { NPM_PACKAGES, NPM_PACKAGE_LIST } from '@playground/shared/packages';

const RUNTIME_DIR = fileURLToPath(new URL('.', import.meta.url));
const CORE = new Set(builtinModules);

export interface PackageBundle {
  /** Specifier (`lodash/fp`) -> the file whose default export is what require returns. */
  entries: Record<string, string>;
  /** File name -> CommonJS body. */
  files: Record<string, string>;
  /** `lodash 4.18.1, ...` for the unknown-package error. */
  list: string;
}

/**
 * A safe file name for a specifier: `lodash/fp` -> `lodash__fp`; `dayjs/plugin/utc.js`
 * and `dayjs/plugin/utc` share one, so they load one module, as in node.
 */
const entryName = (spec: string) => spec.replace(/\.js$/, '').replace(/[^A-Za-z0-9_-]/g, '__');

const entries: Plugin = {
  name: 'npm-entries',
  setup(b) {
    b.onResolve({ filter: /^npm-entry:/ }, (args) => ({ path: args.path.slice('npm-entry:'.length), namespace: 'npm-entry' }));
    b.onLoad({ filter: /.*/, namespace: 'npm-entry' }, (args) => {
      const spec = NPM_PACKAGES.flatMap((p) => p.entries).find((e) => entryName(e) === args.path)!;
      // Resolved from the worker, whose package.json pins the versions.
      return { contents: `export default require(${JSON.stringify(spec)});`, loader: 'js', resolveDir: RUNTIME_DIR };
    });
    // Node's core modules stay requires, answered in the isolate by the sandbox's own.
    b.onResolve({ filter: /^[a-z_/:]+$/ }, (args) => {
      const bare = args.path.startsWith('node:') ? args.path.slice(5) : args.path;
      return CORE.has(bare) ? { path: bare, external: true } : undefined;
    });
  },
};

export async function buildPackages(common: BuildOptions): Promise<PackageBundle> {
  const specs = NPM_PACKAGES.flatMap((p) => p.entries);
  const out = await build({
    ...common,
    entryPoints: Object.fromEntries(specs.filter((s) => !s.endsWith('.js')).map((s) => [entryName(s), `npm-entry:${entryName(s)}`])),
    format: 'esm',
    splitting: true,
    outdir: '/npm',
    metafile: true,
    platform: 'neutral',
    mainFields: ['main', 'module'],
    conditions: [],
    // Packages are minified whole (5.1 MB of text becomes 3.3 MB, which every sandbox
    // child reads); the runtime's own code keeps its names for readable stack traces.
    // keepNames still gives classes and functions the names inspect and errors show.
    minifyIdentifiers: true,
    plugins: [entries],
  });
  const byEntry: Record<string, string> = {};
  for (const [path, meta] of Object.entries(out.metafile!.outputs)) {
    if (meta.entryPoint?.startsWith('npm-entry:')) byEntry[meta.entryPoint.slice('npm-entry:'.length)] = basename(path);
  }
  const files: Record<string, string> = {};
  for (const file of out.outputFiles ?? []) {
    const cjs = await transform(file.text, { format: 'cjs', loader: 'js', target: 'es2024', minify: true, keepNames: true, charset: 'ascii' });
    files[basename(file.path)] = cjs.code;
  }
  return {
    entries: Object.fromEntries(specs.map((s) => [s, byEntry[entryName(s)]!])),
    files,
    list: NPM_PACKAGE_LIST,
  };
}
