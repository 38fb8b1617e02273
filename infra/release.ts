/**
 * The gateway and worker releases built by `npm run build` (scripts/build-release.ts),
 * uploaded to a private, versioned bucket under names that carry their content hash.
 * A new build gives a new key, the key is in the launch template's user data, and so a
 * new release rolls each fleet through its instance refresh; an unchanged build
 * changes nothing.
 */
import * as pulumi from '@pulumi/pulumi';
import * as aws from '@pulumi/aws';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReleaseEntry, ReleaseManifest } from '../scripts/build-release.ts';

export function readManifest(dir: string): ReleaseManifest {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) throw new Error(`No release at ${dir}: run \`npm run build\` first (or set playground:releaseDir).`);
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as ReleaseManifest;
  for (const role of ['gateway', 'worker'] as const) {
    if (!manifest[role] || !existsSync(join(dir, manifest[role].file))) throw new Error(`The release at ${dir} lacks its ${role} archive: run \`npm run build\` again.`);
  }
  return manifest;
}

export interface ReleaseObject extends ReleaseEntry {
  bucket: pulumi.Output<string>;
  key: string;
  /** sha256 of the archive's bytes, which the instance checks before unpacking. */
  sha256Archive: string;
}

export interface ReleasesArgs {
  prefix: string;
  dir: string;
  tags: Record<string, string>;
}

export class Releases extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly manifest: ReleaseManifest;
  readonly gateway: ReleaseObject;
  readonly worker: ReleaseObject;

  constructor(name: string, args: ReleasesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('playground:infra:Releases', name, {}, opts);
    const parent = { parent: this };
    this.manifest = readManifest(args.dir);

    this.bucket = new aws.s3.Bucket(`${name}-bucket`, { bucketPrefix: `${args.prefix}-releases-`, forceDestroy: true, tags: args.tags }, parent);
    new aws.s3.BucketPublicAccessBlock(`${name}-bucket`, { bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, parent);
    new aws.s3.BucketOwnershipControls(`${name}-bucket`, { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } }, parent);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-bucket`, { bucket: this.bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] }, parent);
    // Versioned, so an object a running instance may still fetch is never overwritten in place.
    new aws.s3.BucketVersioning(`${name}-bucket`, { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } }, parent);

    const upload = (role: 'gateway' | 'worker'): ReleaseObject => {
      const entry = this.manifest[role];
      const file = join(args.dir, entry.file);
      const key = `releases/${entry.file}`;
      new aws.s3.BucketObjectv2(`${name}-${role}`, { bucket: this.bucket.id, key, source: new pulumi.asset.FileAsset(file), contentType: 'application/gzip' }, parent);
      const sha256Archive = createHash('sha256').update(readFileSync(file)).digest('hex');
      return { ...entry, bucket: this.bucket.bucket, key, sha256Archive };
    };
    this.gateway = upload('gateway');
    this.worker = upload('worker');
    this.registerOutputs({ bucket: this.bucket.bucket, gatewayKey: this.gateway.key, workerKey: this.worker.key });
  }
}
