/**
 * shellcheck for tests. CI installs it (.ci/run) and sets CI=true: there a missing
 * shellcheck fails the tests that need it. On a developer's machine without it those
 * tests are skipped, with a notice saying how to install it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const haveShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
/** Run shellcheck tests here: it is installed, or this is CI (which must fail without it). */
export const runShellcheck = haveShellcheck || process.env.CI === 'true';
export const SHELLCHECK_SKIPPED = 'SKIPPED: shellcheck is not installed (apt-get install -y shellcheck; CI installs it and fails without it)';

/** shellcheck's findings on a bash script, '' when it has none. */
export function shellcheck(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'shellcheck-')), 'script.sh');
  writeFileSync(file, text);
  const run = spawnSync('shellcheck', ['--shell=bash', '--severity=style', file], { encoding: 'utf8' });
  if (run.error) throw new Error(`shellcheck could not run (${run.error.message}); CI must install it (.ci/run)`);
  return `${run.stdout}${run.stderr}`;
}
