/**
 * Bundles runtime/ (the Node layer evaluated into the sandbox snapshot) with esbuild, in
 * two passes:
 * 1. libs/ (the core modules ported from Node, mostly @jspm/core's browser builds) split
 *    into entries and shared chunks (so `Buffer` is one class everywhere), each turned
 *    into a CommonJS body; see IN_SNAPSHOT for where each goes.
 * 2. index.js and the hand-written rest as one IIFE, with those strings inside. Its own
 *    modules are `require()`d inside factories, which esbuild makes lazy initialisers.
 * Run as a script it writes the bundle as JSON to the path in argv[2] (runtime/load.ts
 * runs it that way: plugins need esbuild's async API).
 */
import { readdirSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform, type BuildOptions, type Plugin } from 'esbuild';
import { buildPackages, type PackageBundle } from './build-packages.ts';

const RUNTIME_DIR = fileURLToPath(new URL('.', import.meta.url));
const LIBS_DIR = join(RUNTIME_DIR, 'libs');
/** Files of the runtime itself that libs/ may import; they stay in the snapshot. */
const CORE_FILES = new Set(['internals.js', 'process.js', 'registry.js']);

/**
 * EventEmitter's leak warning goes through console.warn in the port; Node emits it as a
 * process warning, with more detail.
 */
const EVENTS_WARNING = 'function ProcessEmitWarning(warning) {\n    if (console && console.warn) console.warn(warning);\n  }';
const EVENTS_WARNING_NODE = `function ProcessEmitWarning(warning) {
    const e = warning.emitter;
    const max = e && typeof e.getMaxListeners === 'function' ? e.getMaxListeners() : 10;
    warning.message = 'Possible EventEmitter memory leak detected. ' + warning.count + ' ' + String(warning.type) + ' listeners added to [' + ((e && e.constructor && e.constructor.name) || 'EventEmitter') + ']. MaxListeners is ' + max + '. Use emitter.setMaxListeners() to increase limit';
    globalThis.process.emitWarning(warning);
  }`;

/** @jspm/core's browser `process` (a module and two shared chunks) becomes ours. */
const ownProcess: Plugin = {
  name: 'own-process',
  setup(b) {
    b.onLoad({ filter: /@jspm[\\/]core[\\/]nodelibs[\\/]browser[\\/].*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (source.includes(EVENTS_WARNING)) return { contents: source.replace(EVENTS_WARNING, EVENTS_WARNING_NODE), loader: 'js' };
      const isProcess = /[\\/]process(-production)?\.js$/.test(args.path) || /export \{ process as p \};?\s*$/.test(source);
      if (!isProcess) return undefined;
      return { contents: "export { process as p, process, process as default } from 'core:process.js';", loader: 'js', resolveDir: RUNTIME_DIR };
    });
  },
};

/** In the libs pass, the runtime's own files are not bundled but required at run time. */
const coreExternal: Plugin = {
  name: 'core-external',
  setup(b) {
    b.onResolve({ filter: /^core:/ }, (args) => ({ path: args.path, external: true }));
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      if (resolve(target, '..') === resolve(RUNTIME_DIR) && CORE_FILES.has(basename(target))) return { path: `core:${basename(target)}`, external: true };
      return undefined;
    });
  },
};

const common: BuildOptions = {
  bundle: true,
  write: false,
  platform: 'neutral',
  mainFields: ['module', 'main'],
  target: 'es2024',
  legalComments: 'none',
  // Whitespace and syntax only: a smaller snapshot, while names stay readable in stack
  // traces a program may provoke inside a core module.
  minifyWhitespace: true,
  minifySyntax: true,
  // Classes keep their names (EventTarget, not _EventTarget): inspect prints them.
  keepNames: true,
  logLevel: 'silent',
};

/**
 * libs/ entries most programs use are compiled into the snapshot with their chunks (a
 * first require costs their evaluation only); the rest (stream, zlib, assert, url: 500
 * KB) stay text the host hands over on first require, since as compiled code they made
 * every fresh isolate ~2 ms slower to create. Both are CommonJS bodies.
 */
const IN_SNAPSHOT = new Set(['events', 'buffer', 'path', 'querystring', 'util', 'string_decoder', 'punycode']);

export interface RuntimeBundle {
  /** The IIFE evaluated into the snapshot. */
  code: string;
  /**
   * Files kept as text, served to the isolate on first require: libs/ files by file name,
   * the npm packages' files as `npm/<file>` (see build-packages.ts).
   */
  lazySources: Record<string, string>;
  /** Text bytes of the npm packages' files, for the benchmark and docs. */
  packageBytes: number;
}

async function buildLibs(): Promise<{ compiled: Record<string, string>; text: Record<string, string> }> {
  const entries = readdirSync(LIBS_DIR).filter((f) => f.endsWith('.js')).map((f) => join(LIBS_DIR, f));
  const out = await build({ ...common, entryPoints: entries, format: 'esm', splitting: true, outdir: '/libs', metafile: true, plugins: [ownProcess, coreExternal] });
  // Which output files the snapshot's entries need, following their imports.
  const outputs = out.metafile!.outputs;
  const keep = new Set<string>();
  const visit = (path: string) => {
    if (keep.has(path) || !outputs[path]) return;
    keep.add(path);
    for (const imp of outputs[path]!.imports) if (!imp.external) visit(imp.path);
  };
  for (const [path, meta] of Object.entries(outputs)) {
    if (meta.entryPoint && IN_SNAPSHOT.has(basename(meta.entryPoint, '.js'))) visit(path);
  }
  const compiled: Record<string, string> = {};
  const text: Record<string, string> = {};
  for (const file of out.outputFiles ?? []) {
    const cjs = await transform(file.text, { format: 'cjs', loader: 'js', target: 'es2024', minifyWhitespace: true, minifySyntax: true, keepNames: true, charset: 'ascii' });
    // Output files sit side by side in one folder, so a name is unique among them.
    const rel = Object.keys(outputs).find((p) => basename(p) === basename(file.path))!;
    if (keep.has(rel)) compiled[basename(file.path)] = cjs.code;
    else text[basename(file.path)] = cjs.code;
  }
  return { compiled, text };
}

export async function buildRuntime(): Promise<RuntimeBundle> {
  const [libs, packages] = await Promise.all([buildLibs(), buildPackages(common)]);
  const table = Object.entries(libs.compiled)
    .map(([file, code]) => `${JSON.stringify(file)}: function (require, module, exports) {${code}\n}`)
    .join(',\n');
  const embedLibs: Plugin = {
    name: 'embed-libs',
    setup(b) {
      b.onResolve({ filter: /^playground:libs$/ }, () => ({ path: 'libs', namespace: 'playground-libs' }));
      b.onLoad({ filter: /.*/, namespace: 'playground-libs' }, () => ({
        contents: `export const COMPILED = {\n${table}\n};\nexport const LAZY = ${JSON.stringify(Object.keys(libs.text))};\n${packageTable(packages)}`,
        loader: 'js',
      }));
    },
  };
  const out = await build({ ...common, entryPoints: [join(RUNTIME_DIR, 'index.js')], format: 'iife', charset: 'ascii', plugins: [embedLibs] });
  const lazySources = { ...libs.text };
  for (const [file, code] of Object.entries(packages.files)) lazySources[`npm/${file}`] = code;
  return { code: hardenHelpers(out.outputFiles![0]!.text), lazySources, packageBytes: Object.values(packages.files).reduce((n, c) => n + c.length, 0) };
}

/**
 * esbuild's CommonJS interop helper (`__copyProps`, behind every `require()` of an ES
 * module file) calls `__hasOwnProp.call(to, key)` each time a runtime file is first
 * required, which is after the program ran: a program that replaced
 * Function.prototype.call first was handed `to`, the module's exports (registry.js's
 * `lazyModule`, ...), and could make every lazy global undefined. The helper gets
 * Object.hasOwn as the IIFE found it, while the snapshot was built. Lazy library texts
 * (LAZY) are evaluated on their own and keep esbuild's helper.
 */
export function hardenHelpers(code: string): string {
  const start = '"use strict";(()=>{';
  const call = /!(__hasOwnProp\d*)\.call\(to,key\)/g;
  if (!code.startsWith(start) || !call.test(code)) throw new Error('runtime build: esbuild\'s helpers changed; update hardenHelpers');
  return `${start}var __playgroundHasOwn=Object.hasOwn;${code.slice(start.length).replace(call, '!__playgroundHasOwn(to,key)')}`;
}

/** What the snapshot knows of the packages: names only, their code stays text. */
function packageTable(packages: PackageBundle): string {
  return [
    `export const PACKAGE_ENTRIES = ${JSON.stringify(packages.entries)};`,
    `export const PACKAGE_FILES = ${JSON.stringify(Object.keys(packages.files))};`,
    `export const PACKAGE_LIST = ${JSON.stringify(packages.list)};`,
  ].join('\n');
}

if (import.meta.main) {
  const target = process.argv[2];
  if (!target) throw new Error('usage: node build.ts <output file>');
  const bundle = await buildRuntime();
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(bundle));
  await rename(temp, target);
}
