/**
 * The static web app: a private S3 bucket (all public access blocked) that only this
 * CloudFront distribution may read, through Origin Access Control. The SvelteKit build
 * is uploaded file by file, `/config.json` tells the page where the socket is, and
 * unknown paths fall back to `index.html` (a single-page app). An optional custom
 * domain gets an ACM certificate in us-east-1 (CloudFront's region) validated by DNS.
 */
import * as pulumi from '@pulumi/pulumi';
import * as aws from '@pulumi/aws';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { validateCertificate } from './realtime.ts';

export interface WebArgs {
  prefix: string;
  /** Directory of the static build (web/build). */
  buildDir: string;
  socketUrl: pulumi.Input<string>;
  /** Optional custom domain, e.g. play.example.com, and its Route 53 zone. */
  domain?: { name: string; zoneId: pulumi.Input<string> };
  priceClass: string;
  tags: Record<string, string>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.ico': 'image/x-icon', '.webp': 'image/webp', '.woff': 'font/woff',
  '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.txt': 'text/plain; charset=utf-8', '.wasm': 'application/wasm', '.webmanifest': 'application/manifest+json',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Hashed assets never change under their name; everything else is revalidated. */
export function cacheControlOf(key: string): string {
  return key.startsWith('_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

export function listBuild(dir: string): string[] {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`No web build at ${dir} (index.html missing): run \`npm run build --workspace web\` first, or set playground:webDir.`);
  }
  const walk = (d: string): string[] => readdirSync(d).sort().flatMap((name) => {
    const path = join(d, name);
    return statSync(path).isDirectory() ? walk(path) : [relative(dir, path).split(sep).join('/')];
  });
  return walk(dir);
}

export class Web extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly distribution: aws.cloudfront.Distribution;
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: WebArgs, opts?: pulumi.ComponentResourceOptions) {
    super('playground:infra:Web', name, {}, opts);
    const parent = { parent: this };

    this.bucket = new aws.s3.Bucket(`${name}-site`, { bucketPrefix: `${args.prefix}-web-`, forceDestroy: true, tags: args.tags }, parent);
    const block = new aws.s3.BucketPublicAccessBlock(`${name}-site`, { bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, parent);
    new aws.s3.BucketOwnershipControls(`${name}-site`, { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } }, parent);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-site`, { bucket: this.bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] }, parent);

    const oac = new aws.cloudfront.OriginAccessControl(`${name}-oac`, { name: `${args.prefix}-web`, originAccessControlOriginType: 's3', signingBehavior: 'always', signingProtocol: 'sigv4' }, parent);

    let certificateArn: pulumi.Output<string> | undefined;
    if (args.domain) {
      // CloudFront only takes certificates from us-east-1.
      const usEast1 = new aws.Provider(`${name}-us-east-1`, { region: 'us-east-1' }, parent);
      const cert = new aws.acm.Certificate(`${name}-cert`, { domainName: args.domain.name, validationMethod: 'DNS', tags: args.tags }, { parent: this, provider: usEast1 });
      certificateArn = validateCertificate(`${name}-cert`, cert, args.domain.zoneId, this, usEast1).certificateArn;
    }

    const originId = 'site';
    this.distribution = new aws.cloudfront.Distribution(`${name}-cdn`, {
      enabled: true,
      isIpv6Enabled: true,
      httpVersion: 'http2and3',
      defaultRootObject: 'index.html',
      priceClass: args.priceClass,
      aliases: args.domain ? [args.domain.name] : [],
      origins: [{ originId, domainName: this.bucket.bucketRegionalDomainName, originAccessControlId: oac.id }],
      defaultCacheBehavior: {
        targetOriginId: originId,
        viewerProtocolPolicy: 'redirect-to-https',
        allowedMethods: ['GET', 'HEAD'],
        cachedMethods: ['GET', 'HEAD'],
        compress: true,
        // AWS managed "CachingOptimized": honours the objects' Cache-Control.
        cachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
      },
      // A single-page app: paths the bucket does not hold render index.html (S3 answers
      // 403 for a missing key when the reader may not list the bucket).
      customErrorResponses: [403, 404].map((errorCode) => ({ errorCode, responseCode: 200, responsePagePath: '/index.html', errorCachingMinTtl: 0 })),
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      viewerCertificate: certificateArn
        ? { acmCertificateArn: certificateArn, sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' }
        : { cloudfrontDefaultCertificate: true },
      tags: args.tags,
    }, parent);

    // Only this distribution, signing as CloudFront, may read the objects.
    new aws.s3.BucketPolicy(`${name}-site`, {
      bucket: this.bucket.id,
      policy: pulumi.all([this.bucket.arn, this.distribution.arn]).apply(([bucketArn, distributionArn]) => JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Sid: 'CloudFrontReadsThroughOAC',
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: `${bucketArn}/*`,
          Condition: { StringEquals: { 'AWS:SourceArn': distributionArn } },
        }],
      })),
    }, { parent: this, dependsOn: [block] });

    for (const key of listBuild(args.buildDir)) {
      if (key === 'config.json') continue;
      new aws.s3.BucketObjectv2(`${name}/${key}`, {
        bucket: this.bucket.id,
        key,
        source: new pulumi.asset.FileAsset(join(args.buildDir, key)),
        contentType: contentTypeOf(key),
        cacheControl: cacheControlOf(key),
      }, parent);
    }
    new aws.s3.BucketObjectv2(`${name}/config.json`, {
      bucket: this.bucket.id,
      key: 'config.json',
      content: pulumi.output(args.socketUrl).apply((socketUrl) => JSON.stringify({ socketUrl })),
      contentType: 'application/json',
      cacheControl: 'no-store',
    }, parent);

    if (args.domain) {
      for (const type of ['A', 'AAAA']) {
        new aws.route53.Record(`${name}-alias-${type}`, {
          zoneId: args.domain.zoneId,
          name: args.domain.name,
          type,
          aliases: [{ name: this.distribution.domainName, zoneId: this.distribution.hostedZoneId, evaluateTargetHealth: false }],
        }, parent);
      }
    }
    this.url = args.domain ? pulumi.output(`https://${args.domain.name}`) : pulumi.interpolate`https://${this.distribution.domainName}`;
    this.registerOutputs({ url: this.url, bucket: this.bucket.bucket });
  }
}
