/**
 * The npm packages a program may `require` or `import` by name. They are the worker's own
 * dependencies (pinned exactly in sandbox/package.json), bundled into the sandbox runtime
 * at build time and evaluated in the isolate on first use; nothing is fetched at run
 * time. One list for the sandbox (what loads, the unknown-package error) and the web app
 * (the list it shows, the types the editor knows); a test checks it against what is
 * installed.
 */
export interface NpmPackage {
  name: string;
  /** Exact version, as pinned in sandbox/package.json. */
  version: string;
  /** What it is for, in a few words (shown in the web app). */
  summary: string;
  /** Every specifier a program may load: the package and the subpaths tutorials use. */
  entries: readonly string[];
}

/** dayjs's plugins, with and without `.js` (node's `import` needs it, require and bundlers do not). */
const DAYJS_PLUGINS = ['utc', 'timezone', 'relativeTime', 'duration', 'customParseFormat', 'advancedFormat', 'isBetween', 'isSameOrAfter', 'isSameOrBefore', 'weekOfYear', 'localizedFormat'];

export const NPM_PACKAGES: readonly NpmPackage[] = [
  { name: 'chalk', version: '6.0.1', summary: 'terminal colours (off: output is not a terminal)', entries: ['chalk'] },
  { name: 'date-fns', version: '4.4.0', summary: 'date utilities', entries: ['date-fns', 'date-fns/locale'] },
  { name: 'dayjs', version: '1.11.23', summary: 'small date library', entries: ['dayjs', ...DAYJS_PLUGINS.flatMap((p) => [`dayjs/plugin/${p}`, `dayjs/plugin/${p}.js`])] },
  { name: 'immer', version: '11.2.13', summary: 'immutable state by mutation', entries: ['immer'] },
  { name: 'lodash', version: '4.18.1', summary: 'utility belt', entries: ['lodash', 'lodash/fp'] },
  { name: 'mathjs', version: '15.2.0', summary: 'math: expressions, matrices, units, fractions', entries: ['mathjs'] },
  { name: 'nanoid', version: '6.0.2', summary: 'short unique ids', entries: ['nanoid', 'nanoid/non-secure'] },
  { name: 'ramda', version: '0.32.0', summary: 'functional utilities', entries: ['ramda'] },
  { name: 'rxjs', version: '7.8.2', summary: 'reactive streams', entries: ['rxjs', 'rxjs/operators'] },
  { name: 'uuid', version: '14.0.3', summary: 'UUIDs (v1, v4, v5, v7, validate)', entries: ['uuid'] },
  { name: 'yaml', version: '2.9.1', summary: 'YAML parse and stringify', entries: ['yaml'] },
  { name: 'zod', version: '4.6.7', summary: 'schema validation', entries: ['zod'] },
];

/** `lodash 4.18.1, ...`: how error messages and docs list them. */
export const NPM_PACKAGE_LIST = NPM_PACKAGES.map((p) => `${p.name} ${p.version}`).join(', ');
