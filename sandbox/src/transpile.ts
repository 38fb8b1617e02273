/**
 * TypeScript to JavaScript with esbuild: types are stripped without a type check, so a
 * type error never blocks a run (Node's own type stripping behaves the same way).
 */
import { transformSync } from 'esbuild';
import { readSourceMap, type SourceMap } from './sourcemap.ts';

export type TranspileResult =
  | { ok: true; code: string; map: SourceMap }
  | { ok: false; error: { name: string; message: string; line?: number; column?: number } };

export function transpileTypeScript(source: string, filename: string): TranspileResult {
  try {
    const out = transformSync(source, {
      loader: 'ts',
      sourcefile: filename,
      sourcemap: 'external',
      target: 'es2024',
      // Keep names and layout close to the source: stack traces and inspect output show them.
      minify: false,
      keepNames: false,
      tsconfigRaw: { compilerOptions: { experimentalDecorators: false, useDefineForClassFields: true } },
    });
    return { ok: true, code: out.code, map: readSourceMap(out.map) };
  } catch (err) {
    const first = (err as { errors?: Array<{ text: string; location?: { line: number; column: number } | null }> }).errors?.[0];
    if (!first) return { ok: false, error: { name: 'SyntaxError', message: String((err as Error).message) } };
    const loc = first.location;
    return {
      ok: false,
      error: loc
        ? { name: 'SyntaxError', message: first.text, line: loc.line, column: loc.column + 1 }
        : { name: 'SyntaxError', message: first.text },
    };
  }
}
