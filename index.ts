/**
 * The playground on AWS, in one `pulumi up` (docs/operations.md is the operator's guide).
 *
 *   browser -> CloudFront/S3 (the web app) and API Gateway WebSocket
 *           -> VPC link -> internal NLB -> gateway fleet (Fastify, 2+ instances)
 *           -> SQS (+ dead-letter queue) -> worker fleet (isolated-vm), scaled on backlog
 *           -> PostToConnection back through API Gateway; state in DynamoDB.
 *
 * Tables and queues come from shared/src/resources.ts, the same definitions the local
 * stack creates; the workers' scaling target comes from shared/src/scaling.ts, the same
 * function the local autoscaler runs.
 */
import * as pulumi from '@pulumi/pulumi';
import * as aws from '@pulumi/aws';
import { resolve } from 'node:path';
import { TABLES } from './shared/src/resources.ts';
import { SCALING_PLAN, targetBacklogPerWorker } from './shared/src/scaling.ts';
import { DEFAULT_WORKER_CONCURRENCY } from './shared/src/config.ts';
import { DataStores } from './infra/data.ts';
import { Fleet, burstBaselinePercent } from './infra/fleet.ts';
import { tableStatements, type TableGrants } from './infra/iam.ts';
import { Network } from './infra/network.ts';
import { Observability } from './infra/observability.ts';
import { Realtime } from './infra/realtime.ts';
import { Releases } from './infra/release.ts';
import { Web } from './infra/web.ts';

// ---------------------------------------------------------------------------------------
// Configuration: read once, here. Every key is documented in Pulumi.dev.yaml.
// ---------------------------------------------------------------------------------------
const cfg = new pulumi.Config();
const stack = pulumi.getStack();
const architecture = cfg.get('architecture') ?? 'x86_64';
if (architecture !== 'x86_64' && architecture !== 'arm64') throw new Error(`playground:architecture must be x86_64 or arm64, got ${architecture}`);
const domainName = cfg.get('domainName');
const gatewayInstanceType = cfg.get('gatewayInstanceType') ?? 't3.small';

function validSecret(key: string, secret: string): string {
  // No commas either: the gateways read the accepted secrets as a comma-separated list.
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(secret)) throw new Error(`playground:${key} must be 16-128 letters, digits, - or _ (try: openssl rand -hex 32).`);
  return secret;
}

const config = {
  /** Physical names start with this, so two stacks can share an account. */
  prefix: `playground-${stack}`,
  network: {
    /** true: the default VPC (no NAT gateway, cheaper); false: a VPC of our own with private subnets. */
    useDefaultVpc: cfg.getBoolean('useDefaultVpc') ?? false,
    cidrBlock: cfg.get('vpcCidr') ?? '10.40.0.0/16',
    zoneCount: cfg.getNumber('availabilityZones') ?? 2,
    /** 1 is cheapest; one per zone keeps egress up when a zone fails. */
    natGateways: cfg.getNumber('natGateways') ?? 1,
  },
  /** The gateway's port (gateway/src/main.ts PORT) and the load balancer's listener. */
  ports: { gateway: 8080, listener: 80 },
  api: {
    stageName: cfg.get('stageName') ?? 'live',
    /** Messages per second across all sockets, and the burst above it. */
    throttling: { rateLimit: cfg.getNumber('apiRateLimit') ?? 500, burstLimit: cfg.getNumber('apiBurstLimit') ?? 1000 },
    /** Shared secret API Gateway sends on every integration call; set with `pulumi config set --secret`. */
    integrationSecret: cfg.requireSecret('integrationSecret').apply((secret) => validSecret('integrationSecret', secret)),
    /**
     * During a rotation only: a second secret the gateways accept besides integrationSecret
     * (docs/operations.md, "Rotating the integration secret").
     */
    additionalIntegrationSecret: cfg.getSecret('additionalIntegrationSecret')?.apply((secret) => validSecret('additionalIntegrationSecret', secret)),
    /** API Gateway's regional CloudWatch role; turn off if the account already manages it. */
    manageAccountLogRole: cfg.getBoolean('manageApiGatewayAccountRole') ?? true,
  },
  instances: {
    architecture: architecture as 'x86_64' | 'arm64',
    amiId: cfg.get('amiId'),
    /** Node the instances install; by default the version the release was built and tested with. */
    nodeVersion: cfg.get('nodeVersion'),
    /** Operators open shells with SSM Session Manager; SSH is never opened. */
    sessionManager: cfg.getBoolean('sessionManager') ?? true,
  },
  gateways: {
    instanceType: gatewayInstanceType,
    min: cfg.getNumber('gatewayMin') ?? 2,
    max: cfg.getNumber('gatewayMax') ?? 6,
    /**
     * The gateways are stateless (API Gateway holds the sockets): scale on CPU. Burstable
     * types default to their baseline (t3.small: 20%), others to 50%.
     */
    cpuTarget: cfg.getNumber('gatewayCpuTarget') ?? burstBaselinePercent(gatewayInstanceType) ?? 50,
  },
  workers: {
    instanceType: cfg.get('workerInstanceType') ?? 't3.medium',
    min: cfg.getNumber('workerMin') ?? 1,
    max: cfg.getNumber('workerMax') ?? 10,
    /** Executions one worker runs at once (WORKER_CONCURRENCY): one sandbox process each. */
    concurrency: cfg.getNumber('workerConcurrency') ?? DEFAULT_WORKER_CONCURRENCY,
    /** How long a run may wait in the queue, and how long a run takes on average: the scaling target. */
    acceptableLatencyMs: cfg.getNumber('acceptableQueueLatencyMs') ?? SCALING_PLAN.acceptableLatencyMs,
    averageRunMs: cfg.getNumber('averageRunMs') ?? SCALING_PLAN.averageRunMs,
    /** A scale-in waits for running executions this long (the longest run is 30 s) before the instance goes. */
    drainSeconds: cfg.getNumber('workerDrainSeconds') ?? 120,
  },
  web: {
    buildDir: resolve(cfg.get('webDir') ?? 'web/build'),
    priceClass: cfg.get('cloudFrontPriceClass') ?? 'PriceClass_100',
  },
  release: { dir: resolve(cfg.get('releaseDir') ?? 'dist/release') },
  /** Optional custom domain: the web app at domainName, the socket at socketDomainName, both in hostedZone. */
  domain: domainName
    ? { web: domainName, socket: cfg.get('socketDomainName') ?? `ws.${domainName}`, zone: cfg.get('hostedZone') ?? domainName.split('.').slice(-2).join('.') }
    : undefined,
  observability: {
    logRetentionDays: cfg.getNumber('logRetentionDays') ?? 14,
    oldestMessageAlarmSeconds: cfg.getNumber('oldestMessageAlarmSeconds') ?? 60,
    alarmEmail: cfg.get('alarmEmail'),
  },
  /** Refuse to delete tables; turn off before `pulumi destroy`. */
  protectData: cfg.getBoolean('protectData') ?? false,
  tags: { project: 'playground', stack },
};

// The backlog one worker may hold: the target the worker fleet's target tracking holds.
const workerBacklogTarget = targetBacklogPerWorker({
  acceptableLatencyMs: config.workers.acceptableLatencyMs,
  averageRunMs: config.workers.averageRunMs,
  concurrencyPerWorker: config.workers.concurrency,
});

// ---------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------
const region = aws.getRegionOutput().region;
const zoneId = config.domain ? aws.route53.getZoneOutput({ name: config.domain.zone, privateZone: false }).zoneId : undefined;

const network = new Network('network', {
  useDefaultVpc: config.network.useDefaultVpc,
  cidrBlock: config.network.cidrBlock,
  zoneCount: config.network.zoneCount,
  instanceTypes: [...new Set([config.gateways.instanceType, config.workers.instanceType])],
  natGateways: config.network.natGateways,
  gatewayPort: config.ports.gateway,
  listenerPort: config.ports.listener,
  tags: config.tags,
});

const data = new DataStores('data', { prefix: config.prefix, deletionProtection: config.protectData, tags: config.tags });
const releases = new Releases('release', { prefix: config.prefix, dir: config.release.dir, tags: config.tags });
const nodeVersion = config.instances.nodeVersion ?? releases.manifest.nodeVersion;

const realtime = new Realtime('realtime', {
  prefix: config.prefix,
  vpcId: network.vpcId,
  subnetIds: network.privateSubnetIds,
  loadBalancerSecurityGroupId: network.loadBalancerSecurityGroupId,
  gatewayPort: config.ports.gateway,
  listenerPort: config.ports.listener,
  stageName: config.api.stageName,
  integrationSecret: config.api.integrationSecret,
  throttling: config.api.throttling,
  logRetentionDays: config.observability.logRetentionDays,
  manageAccountLogRole: config.api.manageAccountLogRole,
  ...(config.domain && zoneId ? { domain: { name: config.domain.socket, zoneId } } : {}),
  tags: config.tags,
});

// The secrets the gateways accept reach them through SSM at boot, never through user
// data: the one API Gateway sends and, during a rotation, the other one. Sorted, so
// swapping which of the two API Gateway sends (rotation phase 2) leaves the value, and
// the gateways, alone. The boot script reads the parameter at its version, so a new
// value is a new launch template version and rolls the gateways.
const acceptedSecrets = pulumi.all([config.api.integrationSecret, config.api.additionalIntegrationSecret]).apply(([sent, additional]) =>
  [...new Set([sent, ...(additional ? [additional] : [])])].sort().join(','));
const secretParameter = new aws.ssm.Parameter('integration-secret', {
  name: `/${config.prefix}/integration-secret`,
  type: 'SecureString',
  value: pulumi.secret(acceptedSecrets),
  tags: config.tags,
});

const tables = data.tables;

// What each service does to each table, from the code that calls DynamoDB:
// shared/src/executions.ts (ExecutionStore), shared/src/connections.ts (ConnectionStore),
// gateway/src/snippets.ts (SnippetStore). Every table is listed for both services (`{}`:
// none), and index reads are granted on the index they read (see infra/iam.ts). A new
// table in shared/src/resources.ts fails the typecheck here until it has its line.
const TABLE_GRANTS: Record<'gateway' | 'worker', TableGrants> = {
  gateway: {
    // Creates runs, withdraws and cancels them, rebinds them on resume; counts a socket's
    // unfinished runs on the pending index for its cap.
    executions: { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], indexes: { byPendingOwner: ['dynamodb:Query'] } },
    connections: { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] },
    snippets: { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] },
    // `resume` reads a run's stored output pieces, and writes the signals item (seq 0) a
    // running worker watches for a new connection or a cancel.
    outputs: { table: ['dynamodb:Query', 'dynamodb:UpdateItem'] },
    // Reads a tenant's settled sandbox time when its budget looks spent (gateway/src/budgets.ts).
    tenants: { table: ['dynamodb:GetItem'] },
  },
  worker: {
    // Claims, records and finishes runs; the recovery sweep scans the pending index
    // (ExecutionStore.stranded) for runs whose message was lost.
    executions: { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], indexes: { byPendingOwner: ['dynamodb:Query', 'dynamodb:Scan'] } },
    // A post that meets GoneException removes the socket's row (worker/src/attempt.ts).
    connections: { table: ['dynamodb:DeleteItem'] },
    snippets: {},
    // Output pieces are appended (conditional PutItem) and read back in order (Query);
    // the watch reads the signals item (GetItem).
    outputs: { table: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:GetItem'] },
    // Settles finished runs' charges with their tenant, in batches (worker/src/settlements.ts).
    tenants: { table: ['dynamodb:UpdateItem'] },
  },
};

// Names the services read (shared/src/config.ts): <TABLE>_TABLE for every table.
const serviceEnvironment = pulumi.all({
  ...Object.fromEntries(Object.entries(tables).map(([key, table]) => [`${key.toUpperCase()}_TABLE`, table.name])),
  QUEUE_URL: data.queue.url,
  DLQ_URL: data.deadLetterQueue.url,
  MANAGEMENT_ENDPOINT: realtime.managementEndpoint,
});

const gateways = new Fleet('gateway', {
  role: 'gateway',
  prefix: config.prefix,
  groupName: `${config.prefix}-gateways`,
  instanceType: config.gateways.instanceType,
  architecture: config.instances.architecture,
  ...(config.instances.amiId ? { amiId: config.instances.amiId } : {}),
  subnetIds: network.privateSubnetIds,
  securityGroupId: network.gatewaySecurityGroupId,
  associatePublicIp: network.instancesNeedPublicIp,
  minSize: config.gateways.min,
  maxSize: config.gateways.max,
  targetGroupArns: [realtime.targetGroup.arn],
  statements: [
    { Sid: 'Enqueue', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [data.queue.arn] },
    // The instance's health check reads the queue's attributes: the queue is reachable.
    { Sid: 'ProbeQueue', Effect: 'Allow', Action: ['sqs:GetQueueAttributes'], Resource: [data.queue.arn] },
    ...tableStatements(TABLE_GRANTS.gateway, tables),
    { Sid: 'ReplyToSockets', Effect: 'Allow', Action: ['execute-api:ManageConnections'], Resource: [realtime.postToConnectionsArn] },
    { Sid: 'IntegrationSecret', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: [secretParameter.arn] },
  ],
  userData: pulumi.all([serviceEnvironment, releases.gateway.bucket, region, secretParameter.name, secretParameter.version]).apply(([env, bucket, r, parameter, version]) => ({
    role: 'gateway' as const,
    region: r,
    nodeVersion,
    architecture: config.instances.architecture,
    release: { ...releases.gateway, bucket },
    environment: { ...env, HOST: '0.0.0.0', PORT: String(config.ports.gateway) },
    secretParameters: { INTEGRATION_SECRET: `${parameter}:${version}` },
    // /healthz fails without the secret or while draining; the probes add the queue and table.
    health: { queueUrl: env.QUEUE_URL!, table: env.EXECUTIONS_TABLE!, hashKey: TABLES.executions.hashKey, url: `http://127.0.0.1:${config.ports.gateway}/healthz` },
    // Integration calls are short; a draining gateway only finishes those in flight.
    stopTimeoutSeconds: 30,
  })),
  sessionManager: config.instances.sessionManager,
  logRetentionDays: config.observability.logRetentionDays,
  warmupSeconds: 180,
  tags: config.tags,
}, { dependsOn: [releases] });

// Above a burstable type's baseline the fleet would run on credits and, in unlimited
// mode, pay for the surplus instead of scaling out.
const gatewayBaseline = burstBaselinePercent(config.gateways.instanceType);
if (gatewayBaseline !== undefined && config.gateways.cpuTarget > gatewayBaseline) {
  pulumi.log.warn(`gatewayCpuTarget ${config.gateways.cpuTarget}% is above the ${gatewayBaseline}% baseline of ${config.gateways.instanceType}: the gateways will spend CPU credits (and pay for surplus credits in unlimited mode) instead of scaling out.`);
}
new aws.autoscaling.Policy('gateway-cpu', {
  autoscalingGroupName: gateways.group.name,
  policyType: 'TargetTrackingScaling',
  targetTrackingConfiguration: {
    predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' },
    targetValue: config.gateways.cpuTarget,
  },
});

const workers = new Fleet('worker', {
  role: 'worker',
  prefix: config.prefix,
  groupName: `${config.prefix}-workers`,
  instanceType: config.workers.instanceType,
  architecture: config.instances.architecture,
  ...(config.instances.amiId ? { amiId: config.instances.amiId } : {}),
  subnetIds: network.privateSubnetIds,
  securityGroupId: network.workerSecurityGroupId,
  associatePublicIp: network.instancesNeedPublicIp,
  minSize: config.workers.min,
  maxSize: config.workers.max,
  statements: [
    { Sid: 'Consume', Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'], Resource: [data.queue.arn] },
    // The recovery sweep re-enqueues executions whose message was lost.
    { Sid: 'Requeue', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [data.queue.arn] },
    { Sid: 'ReportDeadLetters', Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: [data.deadLetterQueue.arn] },
    ...tableStatements(TABLE_GRANTS.worker, tables),
    { Sid: 'PostToSockets', Effect: 'Allow', Action: ['execute-api:ManageConnections'], Resource: [realtime.postToConnectionsArn] },
  ],
  userData: pulumi.all([serviceEnvironment, releases.worker.bucket, region]).apply(([env, bucket, r]) => ({
    role: 'worker' as const,
    region: r,
    nodeVersion,
    architecture: config.instances.architecture,
    release: { ...releases.worker, bucket },
    environment: { ...env, WORKER_CONCURRENCY: String(config.workers.concurrency) },
    // Sandbox processes start without any network (no metadata service, no egress).
    isolateSandboxes: true,
    // No load balancer checks the workers: the instance probes its service, queue and table.
    health: { queueUrl: env.QUEUE_URL!, table: env.EXECUTIONS_TABLE!, hashKey: TABLES.executions.hashKey },
    // Stopping drains: running executions (30 s at most) finish first.
    stopTimeoutSeconds: Math.max(60, config.workers.drainSeconds - 15),
  })),
  drainSeconds: config.workers.drainSeconds,
  sessionManager: config.instances.sessionManager,
  logRetentionDays: config.observability.logRetentionDays,
  warmupSeconds: 180,
  tags: config.tags,
}, { dependsOn: [releases] });

/** Backlog per worker in service, guarded against dividing by zero workers. */
const BACKLOG_PER_WORKER = 'IF(m2 > 0, m1 / m2, m1)';

// Backlog per instance, held at the target shared/src/scaling.ts computes (AWS's
// recommended policy for SQS consumers). Only e1 returns data.
new aws.autoscaling.Policy('worker-backlog', {
  autoscalingGroupName: workers.group.name,
  policyType: 'TargetTrackingScaling',
  estimatedInstanceWarmup: 180,
  targetTrackingConfiguration: {
    targetValue: workerBacklogTarget,
    customizedMetricSpecification: {
      metrics: [
        { id: 'm1', label: 'visible messages', returnData: false, metricStat: { stat: 'Sum', metric: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: [{ name: 'QueueName', value: data.queue.name }] } } },
        { id: 'm2', label: 'workers in service', returnData: false, metricStat: { stat: 'Average', metric: { namespace: 'AWS/AutoScaling', metricName: 'GroupInServiceInstances', dimensions: [{ name: 'AutoScalingGroupName', value: workers.group.name }] } } },
        // With no worker in service (workerMin 0, or all replaced at once) m1 / m2 has no
        // value and target tracking would wait forever: the whole backlog then counts.
        { id: 'e1', label: 'backlog per worker', expression: BACKLOG_PER_WORKER, returnData: true },
      ],
    },
  },
});

const web = new Web('web', {
  prefix: config.prefix,
  buildDir: config.web.buildDir,
  socketUrl: realtime.socketUrl,
  ...(config.domain && zoneId ? { domain: { name: config.domain.web, zoneId } } : {}),
  priceClass: config.web.priceClass,
  tags: config.tags,
});

const observability = new Observability('observability', {
  prefix: config.prefix,
  queueName: data.queue.name,
  deadLetterQueueName: data.deadLetterQueue.name,
  apiId: realtime.api.id,
  stageName: realtime.stage.name,
  loadBalancerArnSuffix: realtime.loadBalancer.arnSuffix,
  targetGroupArnSuffix: realtime.targetGroup.arnSuffix,
  backlogPerWorkerExpression: BACKLOG_PER_WORKER,
  workerGroupName: workers.group.name,
  gatewayGroupName: gateways.group.name,
  workerLogGroupName: workers.logGroup.name,
  oldestMessageAlarmSeconds: config.observability.oldestMessageAlarmSeconds,
  ...(config.observability.alarmEmail ? { alarmEmail: config.observability.alarmEmail } : {}),
  tags: config.tags,
});

// ---------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------
export const webUrl = web.url;
export const socketUrl = realtime.socketUrl;
export const managementEndpoint = realtime.managementEndpoint;
export const queueUrl = data.queue.url;
export const deadLetterQueueUrl = data.deadLetterQueue.url;
export const tableNames = Object.fromEntries(Object.entries(tables).map(([key, table]) => [key, table.name]));
export const dashboardUrl = observability.dashboardUrl;
export const gatewayGroupName = gateways.group.name;
export const workerGroupName = workers.group.name;
export const workerBacklogTargetPerInstance = workerBacklogTarget;
export const releaseKeys = { gateway: releases.gateway.key, worker: releases.worker.key };
