/**
 * The type declarations the editor knows, gathered at build time into the virtual module
 * `virtual:npm-types` (a list of [path, text] for Monaco's extraLibs): those of the npm
 * packages the sandbox bundles (NPM_PACKAGES) and of Node's core modules (@types/node),
 * so completion and type errors match what runs. Only the files TypeScript actually
 * reaches from `import '<entry>'` are taken (date-fns ships 1,200 declaration files for
 * two module systems; one set is enough), and @types/node's files for modules a program
 * cannot load (fs, http, child_process, ...) are left out, so importing one is an error
 * in the editor as it is at run time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { Plugin } from 'vite';
import { NPM_PACKAGES } from '../shared/src/packages.ts';

const VIRTUAL = 'virtual:npm-types';
const RESOLVED = `\0${VIRTUAL}`;
/** Where the packages resolve from: the worker bundles them, with its own versions. */
const WORKER = fileURLToPath(new URL('../worker/', import.meta.url));

/**
 * @types/node files for modules the sandbox refuses (runtime/registry.js's UNAVAILABLE).
 * tty and net stay: process.stdout's type is declared with them.
 */
const NODE_UNAVAILABLE = new Set([
  'fs', 'fs/promises', 'http', 'https', 'http2', 'dgram', 'dns', 'dns/promises', 'tls', 'child_process', 'cluster',
  'worker_threads', 'vm', 'v8', 'inspector', 'inspector.generated', 'repl', 'wasi', 'trace_events', 'sqlite', 'sea', 'test',
  'domain', 'async_hooks', 'diagnostics_channel',
]);

/** Packages whose types live in DefinitelyTyped (web/package.json pins them). */
const TYPES_PACKAGES: Record<string, string> = { lodash: '@types/lodash', ramda: '@types/ramda' };

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  esModuleInterop: true,
  allowSyntheticDefaultImports: true,
  types: ['node'],
  noEmit: true,
  skipLibCheck: true,
};

/** [monaco path, text] for every declaration file (and package.json) the editor needs. */
export function collectTypes(): Array<[string, string]> {
  const entry = join(WORKER, '__npm_types_entry__.ts');
  const source = NPM_PACKAGES.flatMap((p) => p.entries.filter((e) => !e.endsWith('.js') && e !== 'date-fns/locale')).map((e) => `import ${JSON.stringify(e)};`).join('\n');
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, create) => (name === entry ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, onError, create));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === entry || fileExists(name);
  const program = ts.createProgram({ rootNames: [entry], options: COMPILER_OPTIONS, host });

  const out = new Map<string, string>();
  for (const file of program.getSourceFiles()) {
    if (file.fileName === entry || program.isSourceFileDefaultLibrary(file)) continue;
    const at = file.fileName.lastIndexOf('/node_modules/');
    if (at < 0) continue;
    const path = file.fileName.slice(at + 1);
    const nodeModule = /^node_modules\/@types\/node\/(.+)\.d\.ts$/.exec(path)?.[1];
    if (nodeModule && NODE_UNAVAILABLE.has(nodeModule)) continue;
    out.set(`file:///${path}`, file.text);
    // The package's manifest, so the editor resolves `import 'zod'` through its "exports".
    const manifest = packageManifest(file.fileName);
    if (manifest) out.set(`file:///${manifest.slice(manifest.lastIndexOf('/node_modules/') + 1)}`, readFileSync(manifest, 'utf8'));
  }
  for (const [pkg, types] of Object.entries(TYPES_PACKAGES)) {
    if (![...out.keys()].some((k) => k.startsWith(`file:///node_modules/${types}/`))) throw new Error(`no types found for ${pkg} (${types})`);
  }
  return [...out];
}

function packageManifest(file: string): string | undefined {
  for (let dir = dirname(file); dir.includes('/node_modules/'); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return manifest;
  }
  return undefined;
}

export function npmTypes(): Plugin {
  return {
    name: 'npm-types',
    resolveId: (id) => (id === VIRTUAL ? RESOLVED : undefined),
    load(id) {
      if (id !== RESOLVED) return undefined;
      return `export default ${JSON.stringify(collectTypes())};`;
    },
  };
}
