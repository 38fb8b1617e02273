import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildRelease, releaseFiles, tar } from '../scripts/build-release.ts';
import { readManifest } from './release.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the release build', () => {
  test('a worker release holds its sources, shared and every manifest npm ci needs, but no tests', () => {
    const files = releaseFiles(root, 'worker');
    expect(files).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'web/package.json', 'local/package.json', 'worker/src/main.ts', 'shared/src/index.ts']));
    expect(files.some((f) => f.endsWith('.test.ts'))).toBe(false);
    expect(files.some((f) => f.startsWith('gateway/src/'))).toBe(false);
  });

  test('the same sources give the same archives, named by their content', () => {
    const a = buildRelease(root, mkdtempSync(join(tmpdir(), 'release-a-')));
    const b = buildRelease(root, mkdtempSync(join(tmpdir(), 'release-b-')));
    expect(a).toEqual(b);
    expect(a.worker.file).toMatch(/^worker-[0-9a-f]{16}\.tar\.gz$/);
    expect(a.nodeVersion).toMatch(/^24\./);
  });

  test('the archive unpacks with the system tar', () => {
    const out = mkdtempSync(join(tmpdir(), 'release-'));
    const manifest = buildRelease(root, out);
    const unpacked = mkdtempSync(join(tmpdir(), 'unpacked-'));
    execFileSync('tar', ['-xzf', join(out, manifest.gateway.file), '-C', unpacked]);
    expect(readdirSync(unpacked).sort()).toEqual(['gateway', 'local', 'package-lock.json', 'package.json', 'release.json', 'sandbox', 'shared', 'web', 'worker']);
    expect(readFileSync(join(unpacked, 'gateway/src/main.ts'), 'utf8')).toBe(readFileSync(join(root, 'gateway/src/main.ts'), 'utf8'));
    expect(readManifest(out).gateway.sha256).toBe(manifest.gateway.sha256);
    // The worker's release carries the sandbox's sources, which it forks; the gateway's only their manifest.
    const worker = mkdtempSync(join(tmpdir(), 'unpacked-'));
    execFileSync('tar', ['-xzf', join(out, manifest.worker.file), '-C', worker]);
    expect(readFileSync(join(worker, 'sandbox/src/child.ts'), 'utf8')).toBe(readFileSync(join(root, 'sandbox/src/child.ts'), 'utf8'));
    expect(readdirSync(join(unpacked, 'sandbox'))).toEqual(['package.json']);
    expect(manifest.worker.workspaces).toEqual(['shared', 'sandbox', 'worker']);
  });

  test('paths longer than 100 characters survive (ustar prefix field)', () => {
    const name = `${'a'.repeat(80)}/${'b'.repeat(80)}/file.ts`;
    const dir = mkdtempSync(join(tmpdir(), 'long-'));
    writeFileSync(join(dir, 'x.tar.gz'), gzipSync(tar([{ name, data: Buffer.from('x') }])));
    execFileSync('tar', ['-xzf', join(dir, 'x.tar.gz'), '-C', dir]);
    expect(readFileSync(join(dir, name), 'utf8')).toBe('x');
  });

  test('a missing release tells the operator to run npm run build', () => {
    expect(() => readManifest(join(tmpdir(), 'no-such-release'))).toThrow(/npm run build/);
  });
});
