/**
 * Runs the Pulumi program under `pulumi.runtime.setMocks`: no CLI, no AWS. Every
 * resource the program registers is recorded with its inputs, data sources answer
 * with fixed values, and a tiny release and web build are written to a temporary
 * directory so the program finds what `npm run build` would produce.
 *
 * Each test file loads the program once (vitest gives every file its own process).
 */
import * as pulumi from '@pulumi/pulumi';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReleaseManifest } from '../scripts/build-release.ts';

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
export const SECRET = 'test-secret-0123456789abcdef';

export interface Recorded {
  type: string;
  name: string;
  id: string;
  inputs: Record<string, any>;
  state: Record<string, any>;
  /** Resource options the mocks' callback does not see, read off the registration. */
  options: { retainOnDelete: boolean; protect: boolean; ignoreChanges: string[] };
}

/** A temporary release and web build, shaped like the real ones. */
export function writeFixtures(): { releaseDir: string; webDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'playground-infra-'));
  const releaseDir = join(root, 'release');
  const webDir = join(root, 'web');
  mkdirSync(releaseDir, { recursive: true });
  mkdirSync(join(webDir, '_app', 'immutable'), { recursive: true });
  const entry = (role: string) => ({ file: `${role}-abc.tar.gz`, sha256: 'abc'.padEnd(64, '0'), entry: `${role}/src/main.ts`, workspaces: role === 'worker' ? ['shared', 'sandbox', 'worker'] : ['shared', role] });
  const manifest: ReleaseManifest = { nodeVersion: '24.21.0', gateway: entry('gateway'), worker: entry('worker') };
  writeFileSync(join(releaseDir, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(releaseDir, 'gateway-abc.tar.gz'), 'gateway release');
  writeFileSync(join(releaseDir, 'worker-abc.tar.gz'), 'worker release');
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>playground</title>');
  writeFileSync(join(webDir, '_app', 'immutable', 'start.abc123.js'), 'console.log(1)');
  writeFileSync(join(webDir, 'favicon.svg'), '<svg/>');
  return { releaseDir, webDir };
}

/** What AWS would compute for a resource, from its type and name. */
function computed(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  // A name prefix gets a suffix, as AWS would; otherwise Pulumi's auto-name.
  const physical = inputs.name ?? inputs.bucket ?? (inputs.namePrefix ? `${inputs.namePrefix}1234` : `${name}-1234`);
  const arnOf = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
  switch (type) {
    case 'aws:sqs/queue:Queue':
      return { arn: arnOf('sqs', physical), url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${physical}`, name: physical };
    case 'aws:dynamodb/table:Table':
      return { arn: arnOf('dynamodb', `table/${physical}`) };
    case 'aws:apigatewayv2/api:Api':
      return { apiEndpoint: 'wss://abc123.execute-api.eu-west-1.amazonaws.com', executionArn: arnOf('execute-api', 'abc123') };
    case 'aws:apigatewayv2/stage:Stage':
      return { invokeUrl: `wss://abc123.execute-api.${REGION}.amazonaws.com/${inputs.name}` };
    case 'aws:lb/loadBalancer:LoadBalancer':
      return { arn: arnOf('elasticloadbalancing', `loadbalancer/net/${name}/1`), arnSuffix: `net/${name}/1`, dnsName: `${name}.elb.${REGION}.amazonaws.com` };
    case 'aws:lb/targetGroup:TargetGroup':
      return { arn: arnOf('elasticloadbalancing', `targetgroup/${name}/1`), arnSuffix: `targetgroup/${name}/1` };
    case 'aws:s3/bucket:Bucket': {
      const bucket = `${inputs.bucketPrefix ?? name}test`;
      return { bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.${REGION}.amazonaws.com` };
    }
    case 'aws:cloudfront/distribution:Distribution':
      return { arn: `arn:aws:cloudfront::${ACCOUNT}:distribution/E123`, domainName: 'd123.cloudfront.net', hostedZoneId: 'Z2FDTNDATAQYW2' };
    case 'aws:acm/certificate:Certificate':
      return { arn: arnOf('acm', `certificate/${name}`), domainValidationOptions: [{ domainName: inputs.domainName, resourceRecordName: `_x.${inputs.domainName}.`, resourceRecordType: 'CNAME', resourceRecordValue: '_y.acm-validations.aws.' }] };
    case 'aws:apigatewayv2/domainName:DomainName':
      return { domainNameConfiguration: { ...inputs.domainNameConfiguration, targetDomainName: 'd-abc.execute-api.eu-west-1.amazonaws.com', hostedZoneId: 'ZLY8HYME6SFDD' } };
    case 'aws:ssm/parameter:Parameter':
      return { arn: arnOf('ssm', `parameter${inputs.name}`), version: 1 };
    case 'aws:ec2/launchTemplate:LaunchTemplate':
      return { latestVersion: 1 };
    case 'aws:ec2/vpc:Vpc':
      return { cidrBlock: inputs.cidrBlock };
    case 'aws:cloudwatch/dashboard:Dashboard':
      return { dashboardName: inputs.dashboardName };
    case 'aws:route53/record:Record':
      return { fqdn: inputs.name };
    default:
      return { arn: arnOf(type.split(':')[1]?.split('/')[0] ?? 'x', physical), name: physical };
  }
}

export interface Loaded {
  resources: Recorded[];
  program: Record<string, unknown>;
}

/** Sets the mocks and the config, then imports the program. */
export async function loadProgram(config: Record<string, string> = {}): Promise<Loaded> {
  const resources: Recorded[] = [];
  const options = new Map<string, Recorded['options']>();
  const { releaseDir, webDir } = writeFixtures();
  await pulumi.runtime.setMocks({
    newResource(args) {
      // API Gateway ids look like `abc123`; everything else gets a readable one.
      const id = args.type === 'aws:apigatewayv2/api:Api' ? 'abc123' : `${args.name}-id`;
      const state = { ...args.inputs, ...computed(args.type, args.name, args.inputs) };
      resources.push({ type: args.type, name: args.name, id, inputs: args.inputs, state, options: options.get(`${args.type}::${args.name}`)! });
      return { id, state };
    },
    call(args) {
      switch (args.token) {
        case 'aws:index/getRegion:getRegion':
          return { name: REGION, region: REGION, id: REGION };
        case 'aws:index/getCallerIdentity:getCallerIdentity':
          return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/test`, userId: 'AIDTEST', id: ACCOUNT };
        case 'aws:index/getAvailabilityZones:getAvailabilityZones':
          return { names: [`${REGION}a`, `${REGION}b`, `${REGION}c`], zoneIds: ['euw1-az1', 'euw1-az2', 'euw1-az3'], id: REGION };
        case 'aws:ec2/getAmi:getAmi':
          return { id: 'ami-0al2023', architecture: args.inputs.filters?.[1]?.values?.[0] ?? 'x86_64', name: 'al2023-ami-2023.9' };
        case 'aws:ec2/getVpc:getVpc':
          return { id: 'vpc-default', cidrBlock: '172.31.0.0/16' };
        case 'aws:ec2/getSubnets:getSubnets': {
          // One default subnet per zone, named after its zone; the zone filter applies.
          const zones: string[] | undefined = args.inputs.filters?.find((f: any) => f.name === 'availability-zone')?.values;
          const ids = ['b', 'a', 'c'].filter((z) => !zones || zones.includes(`${REGION}${z}`)).map((z) => `subnet-${z}`);
          return { ids, id: 'subnets' };
        }
        case 'aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings': {
          // Every type is offered in zones a and c; only t3.small (the default gateway) in b too.
          const wanted: string[] = args.inputs.filters?.find((f: any) => f.name === 'instance-type')?.values ?? [];
          const offerings = wanted.flatMap((type) => (type === 't3.small' ? ['a', 'b', 'c'] : ['a', 'c']).map((z) => ({ type, zone: `${REGION}${z}` })));
          return { locations: offerings.map((o) => o.zone), instanceTypes: offerings.map((o) => o.type), locationTypes: offerings.map(() => 'availability-zone'), id: 'offerings' };
        }
        case 'aws:route53/getZone:getZone':
          return { zoneId: 'Z0TESTZONE', name: args.inputs.name, id: 'Z0TESTZONE' };
        default:
          throw new Error(`The mocks do not answer ${args.token}: add it to infra/mocks.ts.`);
      }
    },
  }, 'playground', 'test', false);
  // The mocks' newResource sees no resource options (retainOnDelete, protect...): read
  // them off the registration request on its way to the mock monitor.
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: unknown) => {
    options.set(`${req.getType()}::${req.getName()}`, { retainOnDelete: req.getRetainondelete() ?? false, protect: req.getProtect() ?? false, ignoreChanges: req.getIgnorechangesList() });
    return register(req, callback);
  };
  pulumi.runtime.setAllConfig({
    'aws:region': REGION,
    'playground:integrationSecret': SECRET,
    'playground:releaseDir': releaseDir,
    'playground:webDir': webDir,
    ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(':') ? k : `playground:${k}`, v])),
  }, ['playground:integrationSecret']);
  const program = (await import('../index.ts')) as Record<string, unknown>;
  // Let every apply and registration settle.
  await settle(program, resources);
  return { resources, program };
}

/** The resolved value of an Output (or of a plain value). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((v) => { resolve(v as T); return v; }));
}

/** Waits until the exports resolve and no resource has registered for a while. */
async function settle(program: Record<string, unknown>, resources: Recorded[]): Promise<void> {
  await Promise.all(Object.values(program).map((v) => valueOf(v as pulumi.Input<unknown>)));
  let seen = -1;
  while (seen !== resources.length) {
    seen = resources.length;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pulumi's marker for a secret value in resource inputs. */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';
export const isSecret = (v: unknown): boolean => typeof v === 'object' && v !== null && SECRET_SIG in v;
export const reveal = (v: any): any => (isSecret(v) ? v.value : v);

export const ofType = (resources: Recorded[], type: string): Recorded[] => resources.filter((r) => r.type === type);

/** Policy documents are JSON strings in inputs; parse whichever form arrives. */
export const parse = (doc: unknown): any => (typeof doc === 'string' ? JSON.parse(doc) : doc);
