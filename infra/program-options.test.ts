/**
 * The program's switches: the default VPC instead of a VPC of its own, and a custom
 * domain for the web app and the socket.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { SECRET, loadProgram, ofType, reveal, valueOf, type Recorded } from './mocks.ts';
import { INTEGRATION_HEADERS } from './realtime.ts';

/** Sorts before SECRET, so the test sees the parameter's value sorted. */
const ADDITIONAL = 'a-rotation-secret-0123456789';

let resources: Recorded[];
let program: Record<string, unknown>;

beforeAll(async () => {
  ({ resources, program } = await loadProgram({
    useDefaultVpc: 'true',
    domainName: 'play.example.com',
    hostedZone: 'example.com',
    workerConcurrency: '8',
    averageRunMs: '100',
    acceptableQueueLatencyMs: '500',
    alarmEmail: 'oncall@example.com',
    additionalIntegrationSecret: ADDITIONAL,
  }));
}, 30_000);

describe('on the default VPC', () => {
  test('no VPC, subnet or NAT gateway is created', () => {
    for (const type of ['aws:ec2/vpc:Vpc', 'aws:ec2/subnet:Subnet', 'aws:ec2/natGateway:NatGateway']) expect(ofType(resources, type)).toEqual([]);
  });

  test('instances get public addresses to reach AWS and npm, yet still admit nothing from the internet', () => {
    for (const t of ofType(resources, 'aws:ec2/launchTemplate:LaunchTemplate')) expect(t.inputs.networkInterfaces[0].associatePublicIpAddress).toBe('true');
    for (const rule of ofType(resources, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule')) expect(rule.inputs.cidrIpv4).not.toBe('0.0.0.0/0');
  });

  test('the fleets span the default subnets of at least two zones, only zones that offer their instance types', () => {
    // The mocks offer the worker's t3.medium in zones a and c only.
    for (const group of ofType(resources, 'aws:autoscaling/group:Group')) expect(group.inputs.vpcZoneIdentifiers).toEqual(['subnet-a', 'subnet-c']);
  });
});

describe('with a custom domain', () => {
  const certificates = () => ofType(resources, 'aws:acm/certificate:Certificate');

  test("CloudFront's certificate is issued in us-east-1 and validated through DNS", () => {
    const provider = ofType(resources, 'pulumi:providers:aws').find((p) => p.inputs.region === 'us-east-1');
    expect(provider).toBeDefined();
    const web = certificates().find((c) => c.inputs.domainName === 'play.example.com')!;
    expect(web.inputs.validationMethod).toBe('DNS');
    const validations = ofType(resources, 'aws:acm/certificateValidation:CertificateValidation');
    expect(validations).toHaveLength(2);
    expect(ofType(resources, 'aws:route53/record:Record').filter((r) => r.inputs.type === 'CNAME')).toHaveLength(2);
  });

  test('the web app answers at the domain and the socket at ws.<domain>', async () => {
    const distribution = ofType(resources, 'aws:cloudfront/distribution:Distribution')[0]!;
    expect(distribution.inputs.aliases).toEqual(['play.example.com']);
    expect(distribution.inputs.viewerCertificate).toMatchObject({ sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' });
    expect(ofType(resources, 'aws:apigatewayv2/domainName:DomainName')[0]!.inputs.domainName).toBe('ws.play.example.com');
    expect(await valueOf(program.webUrl as string)).toBe('https://play.example.com');
    expect(await valueOf(program.socketUrl as string)).toBe('wss://ws.play.example.com');
    const config = ofType(resources, 'aws:s3/bucketObjectv2:BucketObjectv2').find((o) => o.inputs.key === 'config.json')!;
    expect(JSON.parse(config.inputs.content)).toEqual({ socketUrl: 'wss://ws.play.example.com' });
  });

  test('alias records point the names at CloudFront and API Gateway in the hosted zone', () => {
    const aliases = ofType(resources, 'aws:route53/record:Record').filter((r) => r.inputs.aliases);
    expect(aliases.map((r) => `${r.inputs.type} ${r.inputs.name}`).sort()).toEqual(['A play.example.com', 'A ws.play.example.com', 'AAAA play.example.com']);
    for (const r of aliases) expect(r.inputs.zoneId).toBe('Z0TESTZONE');
  });
});

describe('during a secret rotation', () => {
  test('gateways accept both secrets, listed in a fixed order so swapping which one is sent does not roll them', () => {
    const parameter = ofType(resources, 'aws:ssm/parameter:Parameter')[0]!;
    expect(reveal(parameter.inputs.value)).toBe(`${ADDITIONAL},${SECRET}`);
  });

  test('API Gateway keeps sending integrationSecret until it is changed', () => {
    for (const integration of ofType(resources, 'aws:apigatewayv2/integration:Integration')) {
      expect(reveal(integration.inputs.requestParameters)[`integration.request.header.${INTEGRATION_HEADERS.secret}`]).toBe(`'${SECRET}'`);
    }
  });
});

describe('tuning', () => {
  test('the backlog target follows the configured latency, run time and concurrency', () => {
    // floor(500 / 100 * 8) = 40 visible messages per worker.
    const policy = ofType(resources, 'aws:autoscaling/policy:Policy').find((p) => p.name === 'worker-backlog')!;
    expect(policy.inputs.targetTrackingConfiguration.targetValue).toBe(40);
  });

  test('alarms are mailed to the configured address', () => {
    expect(ofType(resources, 'aws:sns/topicSubscription:TopicSubscription')[0]!.inputs).toMatchObject({ protocol: 'email', endpoint: 'oncall@example.com' });
  });
});
