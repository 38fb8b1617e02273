/**
 * Every workspace's package.json names entry points that exist. A manifest without
 * `exports` or `main` still has one, `index.js`, which none of ours holds: importing
 * such a package fails only when someone first tries, far from the cause.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const workspaces = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;

interface Manifest {
  exports?: unknown;
  main?: string;
  bin?: string | Record<string, string>;
}

/** Every file path in an `exports` value: a string, conditions or subpaths (nested). */
function targets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(targets);
  return [];
}

/** The files a manifest names, with Node's fallback when it names none. */
function entries(manifest: Manifest): string[] {
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  if (manifest.exports === undefined && manifest.main === undefined) return ['./index.js', ...bins];
  return [...targets(manifest.exports), ...(manifest.main ? [manifest.main] : []), ...bins];
}

/** A target exists; a pattern (`./src/*.ts`) when the folder before its `*` does. */
const exists = (dir: string, target: string) =>
  existsSync(join(dir, target.includes('*') ? dirname(target.slice(0, target.indexOf('*') + 1)) : target));

describe('workspace manifests', () => {
  it.each(workspaces)('%s names only entry points that exist', (workspace) => {
    const dir = join(root, workspace);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    expect(entries(manifest).filter((target) => !exists(dir, target))).toEqual([]);
  });
});
