/**
 * Monaco from the bundled `monaco-editor` package, never a CDN: the page works offline
 * and under a strict Content-Security-Policy. Its web workers are bundled by Vite
 * (`?worker` imports become files of this build). Imported only in the browser.
 */
import loader from '@monaco-editor/loader';
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TypeScriptWorker from 'monaco-editor/language/typescript/ts.worker?worker';

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    return label === 'typescript' || label === 'javascript' ? new TypeScriptWorker() : new EditorWorker();
  },
};

// What the sandbox offers, so the language service neither flags nor misses it: ES
// modules with top-level await, no DOM, Node's core modules that exist there
// (@types/node without fs, http, child_process, ...), the bundled npm packages' own
// declarations (gathered at build time, see npm-types.ts), plus the stdin helpers.
const RUNTIME_GLOBALS = `
/** The program's standard input (the stdin box), whole. */
declare const stdin: string;
/** The next line of standard input, or null at its end. */
declare function readline(): string | null;
`;

const compilerOptions: monaco.typescript.CompilerOptions = {
  target: monaco.typescript.ScriptTarget.ESNext,
  module: monaco.typescript.ModuleKind.ESNext,
  // "bundler": `import 'zod'` resolves through the package's "exports", as esbuild did
  // when the sandbox's copy was built (Monaco's enum predates the value).
  moduleResolution: 100 as monaco.typescript.ModuleResolutionKind,
  moduleDetection: 3, // "force": every file is a module, so top-level await type-checks
  esModuleInterop: true, // `import _ from 'lodash'`, as node imports a CommonJS package
  strict: true,
  allowNonTsExtensions: true,
  noEmit: true,
};

const languages = [monaco.typescript.typescriptDefaults, monaco.typescript.javascriptDefaults];
for (const defaults of languages) {
  defaults.setCompilerOptions({ ...compilerOptions, checkJs: false, allowJs: true });
  defaults.addExtraLib(RUNTIME_GLOBALS, 'file:///runtime-globals.d.ts');
  defaults.setEagerModelSync(true);
}

// 4 MB of declarations (1 MB gzipped) in a chunk of their own, fetched after the editor
// is up: typing starts at once, and completion for packages follows a moment later.
void import('virtual:npm-types').then(({ default: files }) => {
  const libs = [{ content: RUNTIME_GLOBALS, filePath: 'file:///runtime-globals.d.ts' }, ...files.map(([filePath, content]) => ({ filePath, content }))];
  for (const defaults of languages) defaults.setExtraLibs(libs);
});

// svelte-monaco asks the loader for Monaco; this hands it the bundled copy.
loader.config({ monaco });

export { monaco };
