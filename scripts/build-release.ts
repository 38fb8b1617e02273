/**
 * `npm run build`: the gateway and worker releases the Pulumi program uploads.
 *
 * A release is the role's TypeScript sources plus `shared/` (and, for the worker, `sandbox/`), the workspace manifests and
 * the root lockfile, packed as a deterministic tar.gz. The instance runs
 * `npm ci --omit=dev` for those workspaces and then `node <role>/src/main.ts` on Node 24,
 * which strips the types itself. We ship sources rather than an esbuild bundle on
 * purpose:
 * - isolated-vm and esbuild (the worker transpiles users' TypeScript) are native
 *   packages; `npm ci` on the instance installs the binaries for its own platform, so a
 *   release built on a Mac runs on Amazon Linux;
 * - the sandbox pool forks `sandbox/src/child.ts` and reads `sandbox/src/prelude.js`
 *   relative to its own file, which a single-file bundle would break;
 * - what runs in the cloud is byte for byte the code the local tests exercise.
 *
 * The archive's name carries a hash of its contents, so the S3 key and the launch
 * template change exactly when the code does, and that change rolls the fleet.
 *
 * Output (git-ignored): dist/release/{gateway,worker}-<hash>.tar.gz and
 * dist/release/manifest.json, which the Pulumi program reads.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const ROLES = ['gateway', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export interface ReleaseEntry {
  /** File name inside the release directory. */
  file: string;
  /** sha256 of the packed files (names and contents), hex. */
  sha256: string;
  /** Node file the instance starts, relative to the unpacked release. */
  entry: string;
  /** Workspaces `npm ci` installs on the instance. */
  workspaces: string[];
}

export interface ReleaseManifest {
  /** Node major/minor the sources were tested on; the instance installs this version. */
  nodeVersion: string;
  gateway: ReleaseEntry;
  worker: ReleaseEntry;
}

/** Every workspace's manifest ships, so `npm ci` finds the lockfile in sync. */
const WORKSPACES = ['shared', 'gateway', 'sandbox', 'worker', 'local', 'web'];

/** The workspaces each role's release carries and installs: the worker runs the sandbox. */
export const ROLE_WORKSPACES: Record<Role, readonly string[]> = {
  gateway: ['shared', 'gateway'],
  worker: ['shared', 'sandbox', 'worker'],
};
const SKIP = /\.test\.ts$|(^|\/)node_modules\/|(^|\/)\.DS_Store$/;

function listFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir)).sort()) {
    const path = join(dir, name).split(sep).join('/');
    if (SKIP.test(path)) continue;
    const stats = statSync(join(root, path));
    if (stats.isDirectory()) out.push(...listFiles(root, path));
    else if (stats.isFile()) out.push(path);
  }
  return out;
}

/** The files of one role's release, relative to the repository root, sorted. */
export function releaseFiles(root: string, role: Role): string[] {
  const manifests = ['package.json', 'package-lock.json', ...WORKSPACES.map((w) => `${w}/package.json`)];
  return [...manifests, ...ROLE_WORKSPACES[role].flatMap((w) => listFiles(root, `${w}/src`))].sort();
}

/** A POSIX ustar archive: fixed owner, mode and mtime, so the same files give the same bytes. */
export function tar(files: ReadonlyArray<{ name: string; data: Buffer }>): Buffer {
  const blocks: Buffer[] = [];
  for (const { name, data } of files) {
    const header = Buffer.alloc(512);
    let base = name;
    let prefix = '';
    if (Buffer.byteLength(name) > 100) {
      const cut = name.lastIndexOf('/', 155);
      if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`Path too long for a tar header: ${name}`);
      prefix = name.slice(0, cut);
      base = name.slice(cut + 1);
    }
    const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0') + '\0';
    header.write(base, 0, 100, 'utf8');
    header.write(octal(0o644, 8), 100, 'ascii');
    header.write(octal(0, 8), 108, 'ascii');
    header.write(octal(0, 8), 116, 'ascii');
    header.write(octal(data.length, 12), 124, 'ascii');
    header.write(octal(0, 12), 136, 'ascii');
    header.write('        ', 148, 'ascii');
    header.write('0', 156, 'ascii');
    header.write('ustar\0', 257, 'ascii');
    header.write('00', 263, 'ascii');
    header.write(prefix, 345, 155, 'utf8');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function buildRelease(root: string, outDir: string): ReleaseManifest {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const entries = {} as Record<Role, ReleaseEntry>;
  for (const role of ROLES) {
    const files = releaseFiles(root, role).map((name) => ({ name, data: readFileSync(join(root, name)) }));
    const hash = createHash('sha256');
    for (const { name, data } of files) hash.update(name).update('\0').update(data).update('\0');
    const sha256 = hash.digest('hex');
    const entry: ReleaseEntry = { file: `${role}-${sha256.slice(0, 16)}.tar.gz`, sha256, entry: `${role}/src/main.ts`, workspaces: [...ROLE_WORKSPACES[role]] };
    const stamp = Buffer.from(JSON.stringify({ role, sha256, entry: entry.entry }, null, 2) + '\n');
    const archive = gzipSync(tar([...files, { name: 'release.json', data: stamp }]), { level: 9 });
    writeFileSync(join(outDir, entry.file), archive);
    entries[role] = entry;
  }
  const nodeVersion = process.versions.node;
  const manifest: ReleaseManifest = { nodeVersion, ...entries };
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const outDir = join(root, 'dist', 'release');
  const manifest = buildRelease(root, outDir);
  for (const role of ROLES) {
    const { file } = manifest[role];
    const size = statSync(join(outDir, file)).size;
    console.log(`${role.padEnd(8)} ${relative(root, join(outDir, file))}  ${(size / 1024).toFixed(0)} KiB`);
  }
  console.log(`manifest ${relative(root, join(outDir, 'manifest.json'))}  (Node ${manifest.nodeVersion})`);
}
