/**
 * ES module syntax in main.js, as Node 24 runs a file that uses it: the program is
 * rewritten into a script the runtime already knows how to run. Imports become lookups of
 * the same core modules `require` returns; `export` keywords are dropped (nothing imports
 * main.js); `import.meta` and `import()` go through the runtime's `__playgroundImport`.
 *
 * Why not esbuild's CommonJS output: it refuses top-level `await`, which is common in
 * module code; here a program with top-level `await` still runs as the runtime's async
 * body. Why not isolated-vm's modules: `import()` inside the isolate is unsupported, and
 * the run would lose the runtime's event loop and completion value.
 *
 * The rewrite keeps every line where it was (only import and export keywords change), so
 * error positions stay right. Programs without module syntax are returned unchanged
 * without being parsed.
 */
import { parse, type Node } from 'acorn';

interface Edit { start: number; end: number; text: string }

// Cheap pre-check: most programs never mention these words.
const MAYBE_MODULE = /\bimport\b|\bexport\b/;

type AnyNode = Node & Record<string, unknown>;

/** The program as a script when it uses module syntax, or null when it is a script already (or does not parse). */
export function moduleToScript(code: string): string | null {
  if (!MAYBE_MODULE.test(code)) return null;
  let program: AnyNode;
  try {
    program = parse(code, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true, allowAwaitOutsideFunction: true }) as unknown as AnyNode;
  } catch {
    // Not valid module code: the script path reports the syntax error as it always has.
    return null;
  }
  const edits: Edit[] = [];
  const hoisted: string[] = [];
  let firstImport: { start: number; end: number } | null = null;
  let isModule = false;

  const blank = (start: number, end: number) => edits.push({ start, end, text: code.slice(start, end).replace(/[^\n]/g, ' ') });
  const name = (n: AnyNode) => (n.type === 'Identifier' ? (n.name as string) : JSON.stringify(n.value));
  const source = (n: AnyNode) => JSON.stringify((n.source as AnyNode).value);

  for (const node of program.body as AnyNode[]) {
    if (node.type === 'ImportDeclaration') {
      isModule = true;
      const from = `__playgroundImport(${source(node)})`;
      const specifiers = node.specifiers as AnyNode[];
      const named: string[] = [];
      for (const s of specifiers) {
        const local = (s.local as AnyNode).name as string;
        if (s.type === 'ImportNamespaceSpecifier') hoisted.push(`const ${local} = ${from};`);
        else if (s.type === 'ImportDefaultSpecifier') named.push(`default: ${local}`);
        else named.push(`${name(s.imported as AnyNode)}: ${local}`);
      }
      if (named.length > 0) hoisted.push(`const { ${named.join(', ')} } = ${from};`);
      if (specifiers.length === 0) hoisted.push(`${from};`);
      if (firstImport === null) firstImport = { start: node.start, end: node.end };
      else blank(node.start, node.end);
    } else if (node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') {
      isModule = true;
      const declaration = node.declaration as AnyNode | null | undefined;
      if (declaration) blank(node.start, declaration.start);
      else {
        // `export { a, b }` only names what exists; `export ... from 'm'` still loads m.
        blank(node.start, node.end);
        if (node.source) hoisted.push(`__playgroundImport(${source(node)});`);
      }
    } else if (node.type === 'ExportDefaultDeclaration') {
      isModule = true;
      const declaration = node.declaration as AnyNode;
      const named = (declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') && declaration.id;
      // `export default` is 14 characters; `void` and spaces keep the columns after it.
      if (named) blank(node.start, declaration.start);
      else edits.push({ start: node.start, end: declaration.start, text: 'void'.padEnd(declaration.start - node.start, ' ') });
    }
  }

  // import.meta and import() anywhere in the program; top-level `this` (undefined in a
  // module) outside any function or class.
  const topThis: number[] = [];
  const visit = (n: unknown, inFunction = false): void => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) { for (const x of n) visit(x, inFunction); return; }
    const node = n as AnyNode;
    if (node.type === 'ThisExpression' && !inFunction) topThis.push(node.start);
    const scoped = inFunction || node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ClassBody';
    if (node.type === 'MetaProperty' && (node.meta as AnyNode).name === 'import') {
      isModule = true;
      edits.push({ start: node.start, end: node.end, text: '__playgroundImport.meta' });
      return;
    }
    if (node.type === 'ImportExpression') {
      edits.push({ start: node.start, end: node.start + 'import'.length, text: '__playgroundImport.dynamic' });
    }
    for (const key of Object.keys(node)) {
      if (key !== 'type' && key !== 'start' && key !== 'end') visit(node[key], scoped);
    }
  };
  try {
    visit(program.body);
  } catch {
    // A tree too deep to walk (the parser managed, the walk ran out of stack): leave the
    // program to the script path, whose parse reports what it can.
    return null;
  }
  if (isModule) for (const at of topThis) edits.push({ start: at, end: at + 4, text: '(void 0)' });
  if (edits.length === 0 && hoisted.length === 0 && firstImport === null) return null;

  // Imports are hoisted in a module: they all run where the first one stood, with the
  // strictness a module has (a directive only counts as the program's first statement).
  // A module has no require, module, exports, __filename or __dirname: hidden unless the
  // program declares its own (`const require = createRequire(import.meta.url)`).
  if (isModule) {
    const own = topLevelNames(program);
    const hide = CJS_NAMES.filter((n) => !own.has(n));
    if (hide.length > 0) hoisted.unshift(`var ${hide.map((n) => `${n} = void 0`).join(', ')};`);
  }
  if (firstImport !== null) {
    const prologue = isModule && firstImport.start === firstStatementStart(program) ? '"use strict"; ' : '';
    const original = code.slice(firstImport.start, firstImport.end);
    const lines = original.split('\n').length - 1;
    edits.push({ start: firstImport.start, end: firstImport.end, text: `${prologue}${hoisted.join(' ')}${'\n'.repeat(lines)}` });
  } else if (hoisted.length > 0) {
    edits.push({ start: firstStatementStart(program), end: firstStatementStart(program), text: `${hoisted.join(' ')} ` });
  }

  edits.sort((a, b) => b.start - a.start);
  let out = code;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function firstStatementStart(program: AnyNode): number {
  const first = (program.body as AnyNode[])[0];
  return first ? first.start : 0;
}

const CJS_NAMES = ['require', 'module', 'exports', '__filename', '__dirname'];

/** Names the program declares at its top level (so hiding a CommonJS name cannot clash). */
function topLevelNames(program: AnyNode): Set<string> {
  const names = new Set<string>();
  const pattern = (p: AnyNode | null | undefined): void => {
    if (!p) return;
    if (p.type === 'Identifier') names.add(p.name as string);
    else if (p.type === 'ObjectPattern') for (const prop of p.properties as AnyNode[]) pattern((prop.type === 'RestElement' ? prop.argument : prop.value) as AnyNode);
    else if (p.type === 'ArrayPattern') for (const el of p.elements as Array<AnyNode | null>) pattern(el);
    else if (p.type === 'RestElement') pattern(p.argument as AnyNode);
    else if (p.type === 'AssignmentPattern') pattern(p.left as AnyNode);
  };
  for (let node of program.body as AnyNode[]) {
    if ((node.type === 'ExportNamedDeclaration' || node.type === 'ExportDefaultDeclaration') && node.declaration) node = node.declaration as AnyNode;
    if (node.type === 'VariableDeclaration') for (const d of node.declarations as AnyNode[]) pattern(d.id as AnyNode);
    else if ((node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') && node.id) pattern(node.id as AnyNode);
    else if (node.type === 'ImportDeclaration') for (const s of node.specifiers as AnyNode[]) pattern(s.local as AnyNode);
  }
  return names;
}
