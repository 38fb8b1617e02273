/**
 * The Examples menu: small programs that show what the runtime does, each one a thing
 * people ask playgrounds for (streaming output, Node-like printing, stacks, limits).
 */
import type { Language } from '@playground/client';

export interface Example {
  id: string;
  title: string;
  language: Language;
  code: string;
  stdin?: string;
}

export const EXAMPLES: readonly Example[] = [
  {
    id: 'hello',
    title: 'Hello, world',
    language: 'javascript',
    code: `console.log('Hello, world!');\n`,
  },
  {
    id: 'timers',
    title: 'Async timers: streaming output',
    language: 'javascript',
    code: `// Each line arrives in the console as it is printed, not at the end.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

for (let i = 1; i <= 5; i++) {
  console.log(\`tick \${i} at \${Math.round(performance.now())} ms\`);
  await sleep(400);
}
console.log('done');
`,
  },
  {
    id: 'inspect',
    title: 'Classes, Maps and Sets printed like Node',
    language: 'javascript',
    code: `class Point {
  constructor(x, y) { this.x = x; this.y = y; }
}

console.log(new Point(1, 2));
console.log(new Map([['a', 1], ['b', { nested: [1, 2, 3] }]]));
console.log(new Set(['x', 'y']), [1, 'two', null, undefined], { deep: { deeper: { deepest: {} } } });
console.table([{ name: 'Ada', year: 1815 }, { name: 'Alan', year: 1912 }]);
console.error('this line went to stderr');

// The value of the last expression is shown too, as a REPL does:
({ answer: 42, list: [new Point(0, 0)] })
`,
  },
  {
    id: 'error',
    title: 'An error with a stack',
    language: 'javascript',
    code: `function parse(text) {
  return JSON.parse(text);
}

function loadSettings() {
  const settings = parse('{"theme": "dark"}');
  return settings.editor.fontSize; // settings.editor is undefined
}

console.log('loading settings…');
loadSettings();
`,
  },
  {
    id: 'generics',
    title: 'TypeScript generics',
    language: 'typescript',
    code: `interface Box<T> {
  value: T;
  map<U>(fn: (value: T) => U): Box<U>;
}

function box<T>(value: T): Box<T> {
  return { value, map: (fn) => box(fn(value)) };
}

function groupBy<T, K extends PropertyKey>(items: T[], key: (item: T) => K): Record<K, T[]> {
  const groups = {} as Record<K, T[]>;
  for (const item of items) (groups[key(item)] ??= []).push(item);
  return groups;
}

const length = box('playground').map((s) => s.length).map((n) => n * 2);
console.log(length.value);
console.log(groupBy([1, 2, 3, 4, 5, 6], (n) => (n % 2 === 0 ? 'even' : 'odd')));
`,
  },
  {
    id: 'npm-packages',
    title: 'npm packages: zod, lodash, date-fns',
    language: 'typescript',
    code: `// Bundled packages load by name (the Packages button lists them); their types are known.
import { z } from 'zod';
import _ from 'lodash';
import { format } from 'date-fns';

const Order = z.object({ id: z.number(), customer: z.string(), total: z.number().positive(), at: z.coerce.date() });
type Order = z.infer<typeof Order>;

const raw = [
  { id: 1, customer: 'ann', total: 120, at: '2024-05-01T08:00:00Z' },
  { id: 2, customer: 'bob', total: -5, at: '2024-05-01T09:30:00Z' },
  { id: 3, customer: 'ann', total: 45, at: '2024-05-02T17:45:00Z' },
];
const orders: Order[] = [];
for (const r of raw) {
  const parsed = Order.safeParse(r);
  if (parsed.success) orders.push(parsed.data);
  else console.log(\`order \${r.id} rejected:\`, parsed.error.issues[0]?.message);
}
const byDay = _.groupBy(orders, (o) => format(o.at, 'yyyy-MM-dd'));
console.log(_.mapValues(byDay, (os) => _.sumBy(os, 'total')));
`,
  },
  {
    id: 'stdin',
    title: 'Reading stdin',
    language: 'javascript',
    stdin: 'Ada Lovelace\nAlan Turing\nGrace Hopper\n',
    code: `// The text of the stdin box is the program's standard input: read it whole from the
// \`stdin\` string, or line by line with readline() (null at the end).
const input =
  typeof stdin === 'string'
    ? stdin
    : (() => {
        const lines = [];
        for (let line = readline(); line !== null; line = readline()) lines.push(line);
        return lines.join('\\n');
      })();

const names = input.split('\\n').filter(Boolean);
for (const [index, name] of names.entries()) {
  console.log(\`\${index + 1}. Hello, \${name}!\`);
}
`,
  },
  {
    id: 'cpu',
    title: 'A CPU-heavy loop hitting the limit',
    language: 'javascript',
    code: `// This never ends: the run is stopped at the time limit (see the settings).
console.log('counting forever…');
let n = 0;
while (true) n++;
`,
  },
  {
    id: 'big-output',
    title: 'A big output being truncated',
    language: 'javascript',
    code: `// Prints far more than the output limit; the run stops and says so.
for (let i = 0; i < 1e6; i++) {
  console.log(\`line \${i}: \${'*'.repeat(40)}\`);
}
`,
  },
  {
    id: 'promises',
    title: 'Promises, unhandled rejection',
    language: 'typescript',
    code: `async function fetchUser(id: number): Promise<{ id: number; name: string }> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  if (id > 2) throw new RangeError(\`no user with id \${id}\`);
  return { id, name: ['Ada', 'Alan', 'Grace'][id]! };
}

console.log(await Promise.all([fetchUser(0), fetchUser(1)]));
const results = await Promise.allSettled([fetchUser(2), fetchUser(3)]);
console.log(results);
await fetchUser(7); // not caught: ends the run with the error and its line
`,
  },
  {
    id: 'memory',
    title: 'Running out of memory',
    language: 'javascript',
    code: `// Keeps every array alive until the heap limit (see the settings) stops the run.
const hoard = [];
while (true) hoard.push(new Array(1e5).fill(Math.random()));
`,
  },
];

export const DEFAULT_CODE = EXAMPLES[0]!.code;
