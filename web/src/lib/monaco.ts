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

// What the sandbox offers, so the language service neither flags nor misses it:
// ES modules with top-level await, no DOM, no Node, plus the stdin helpers.
const RUNTIME_GLOBALS = `
/** The program's standard input (the stdin box), whole. */
declare const stdin: string;
/** The next line of standard input, or null at its end. */
declare function readline(): string | null;
`;

const compilerOptions: monaco.typescript.CompilerOptions = {
  target: monaco.typescript.ScriptTarget.ESNext,
  module: monaco.typescript.ModuleKind.ESNext,
  moduleDetection: 3, // "force": every file is a module, so top-level await type-checks
  strict: true,
  allowNonTsExtensions: true,
  noEmit: true,
};

for (const defaults of [monaco.typescript.typescriptDefaults, monaco.typescript.javascriptDefaults]) {
  defaults.setCompilerOptions({ ...compilerOptions, checkJs: false, allowJs: true });
  defaults.addExtraLib(RUNTIME_GLOBALS, 'file:///runtime-globals.d.ts');
  defaults.setEagerModelSync(true);
}

// svelte-monaco asks the loader for Monaco; this hands it the bundled copy.
loader.config({ monaco });

export { monaco };
