/**
 * Policies the deployment must keep, checked on the program under Pulumi's mocks with
 * the dev stack's defaults. Each test names one policy in a sentence.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { LEASE, QUEUES, TABLES } from '../shared/src/resources.ts';
import { targetBacklogPerWorker } from '../shared/src/scaling.ts';
import { ACCOUNT, REGION, SECRET, isSecret, loadProgram, ofType, parse, reveal, valueOf, type Recorded } from './mocks.ts';
import { CRASH_LOG_LINE } from './observability.ts';
import { BOOT_GRACE_SECONDS, burstBaselinePercent } from './fleet.ts';
import { SHELLCHECK_SKIPPED, runShellcheck, shellcheck } from './testing/shellcheck.ts';
import { zonesOffering } from './network.ts';
import { INTEGRATION_HEADERS, requestParametersDigest } from './realtime.ts';

let resources: Recorded[];
let program: Record<string, unknown>;
const one = (type: string, name?: string): Recorded => {
  const found = ofType(resources, type).filter((r) => name === undefined || r.name === name);
  if (found.length !== 1) throw new Error(`Expected one ${type}${name ? ` named ${name}` : ''}, found ${found.length}`);
  return found[0]!;
};
const userDataOf = (role: string) => Buffer.from(one('aws:ec2/launchTemplate:LaunchTemplate', `${role}-template`).inputs.userData, 'base64').toString();
const statementsOf = (role: string): any[] => parse(one('aws:iam/rolePolicy:RolePolicy', `${role}-policy`).inputs.policy).Statement;

beforeAll(async () => {
  ({ resources, program } = await loadProgram());
}, 30_000);

describe('the realtime API', () => {
  test('the WebSocket API selects routes by body.action', () => {
    const api = one('aws:apigatewayv2/api:Api');
    expect(api.inputs.protocolType).toBe('WEBSOCKET');
    expect(api.inputs.routeSelectionExpression).toBe('$request.body.action');
  });

  test('$connect, $disconnect and $default each reach their gateway route', () => {
    const routes = ofType(resources, 'aws:apigatewayv2/route:Route').map((r) => r.inputs.routeKey).sort();
    expect(routes).toEqual(['$connect', '$default', '$disconnect']);
    const uris = ofType(resources, 'aws:apigatewayv2/integration:Integration').map((i) => new URL(i.inputs.integrationUri).pathname).sort();
    expect(uris).toEqual(['/integration/connect', '/integration/default', '/integration/disconnect']);
  });

  test('every integration forwards the connection id, the caller address and the shared secret', () => {
    const integrations = ofType(resources, 'aws:apigatewayv2/integration:Integration');
    expect(integrations).toHaveLength(3);
    for (const integration of integrations) {
      // The mapping holds the secret, so Pulumi keeps it encrypted in the state.
      expect(isSecret(integration.inputs.requestParameters)).toBe(true);
      expect(reveal(integration.inputs.requestParameters)).toEqual({
        [`integration.request.header.${INTEGRATION_HEADERS.connectionId}`]: 'context.connectionId',
        [`integration.request.header.${INTEGRATION_HEADERS.sourceIp}`]: 'context.identity.sourceIp',
        [`integration.request.header.${INTEGRATION_HEADERS.secret}`]: `'${SECRET}'`,
      });
    }
  });

  test('every integration goes through the V1 VPC link to an internal network load balancer', () => {
    const link = one('aws:apigateway/vpcLink:VpcLink');
    const nlb = one('aws:lb/loadBalancer:LoadBalancer');
    expect(nlb.inputs).toMatchObject({ loadBalancerType: 'network', internal: true });
    expect(link.inputs.targetArn).toBe(nlb.state.arn);
    for (const integration of ofType(resources, 'aws:apigatewayv2/integration:Integration')) {
      expect(integration.inputs).toMatchObject({ integrationType: 'HTTP_PROXY', integrationMethod: 'POST', connectionType: 'VPC_LINK', connectionId: link.id });
      expect(integration.inputs.integrationUri).toContain(nlb.state.dnsName);
    }
  });

  test('$default answers the client: it has a route response', () => {
    const route = ofType(resources, 'aws:apigatewayv2/route:Route').find((r) => r.inputs.routeKey === '$default')!;
    expect(route.inputs.routeResponseSelectionExpression).toBe('$default');
    expect(one('aws:apigatewayv2/routeResponse:RouteResponse').inputs).toMatchObject({ routeId: route.id, routeResponseKey: '$default' });
  });

  test('the stage is throttled and writes access logs to a log group with retention', () => {
    const stage = one('aws:apigatewayv2/stage:Stage');
    expect(stage.inputs.defaultRouteSettings).toMatchObject({ throttlingRateLimit: 500, throttlingBurstLimit: 1000 });
    const logs = one('aws:cloudwatch/logGroup:LogGroup', 'realtime-access');
    expect(stage.inputs.accessLogSettings.destinationArn).toBe(logs.state.arn);
    expect(JSON.parse(stage.inputs.accessLogSettings.format)).toHaveProperty('connectionId', '$context.connectionId');
    expect(stage.inputs.deploymentId).toBe(one('aws:apigatewayv2/deployment:Deployment').id);
  });

  test("pulumi destroy leaves the region's API Gateway logging role in place: other APIs use it", () => {
    // Deleting aws.apigateway.Account resets the region-wide setting; its role goes with it.
    expect(one('aws:apigateway/account:Account').options.retainOnDelete).toBe(true);
    expect(one('aws:iam/role:Role', 'realtime-apigw-logs').options.retainOnDelete).toBe(true);
  });

  test('a changed integration secret redeploys the API: the deployment is triggered by a digest of the request parameters', () => {
    const triggers = reveal(one('aws:apigatewayv2/deployment:Deployment').inputs.triggers);
    const expected = reveal(one('aws:apigatewayv2/integration:Integration', 'realtime-default').inputs.requestParameters);
    expect(triggers.requestParameters).toBe(requestParametersDigest(expected));
    expect(requestParametersDigest({ ...expected, [`integration.request.header.${INTEGRATION_HEADERS.secret}`]: "'another-secret-000000'" })).not.toBe(triggers.requestParameters);
    expect(JSON.stringify(triggers)).not.toContain(SECRET);
  });

  test('the load balancer health-checks gateways on /healthz at port 8080', () => {
    const group = one('aws:lb/targetGroup:TargetGroup');
    expect(group.inputs).toMatchObject({ port: 8080, protocol: 'TCP' });
    expect(group.inputs.healthCheck).toMatchObject({ protocol: 'HTTP', path: '/healthz', port: '8080' });
  });
});

describe('the queue', () => {
  const queues = () => ofType(resources, 'aws:sqs/queue:Queue');
  const main = () => queues().find((q) => q.inputs.redrivePolicy)!;

  test('the queue has a dead-letter queue with maxReceiveCount 3', () => {
    const dlq = queues().find((q) => !q.inputs.redrivePolicy)!;
    expect(parse(main().inputs.redrivePolicy)).toEqual({ deadLetterTargetArn: dlq.state.arn, maxReceiveCount: 3 });
    expect(QUEUES.executions.maxReceiveCount).toBe(3);
  });

  test('both queues are standard queues with an explicit 1 MiB message size and SSE', () => {
    expect(queues()).toHaveLength(2);
    for (const queue of queues()) {
      expect(queue.inputs.fifoQueue ?? false).toBe(false);
      expect(queue.inputs.maxMessageSize).toBe(1024 * 1024);
      expect(queue.inputs.sqsManagedSseEnabled).toBe(true);
    }
  });

  test('queue attributes come from the shared definitions the local stack uses', () => {
    expect(main().inputs).toMatchObject({
      visibilityTimeoutSeconds: QUEUES.executions.visibilityTimeoutSeconds,
      messageRetentionSeconds: QUEUES.executions.messageRetentionSeconds,
      receiveWaitTimeSeconds: QUEUES.executions.receiveWaitSeconds,
    });
  });

  test('a running execution keeps its message hidden: the heartbeat renews visibility well before it lapses', () => {
    // Runs last up to 30 s, longer than the visibility timeout on purpose: the worker's
    // heartbeat extends it, so a dead worker's message returns within seconds.
    expect(main().inputs.visibilityTimeoutSeconds * 1000).toBeGreaterThanOrEqual(2 * LEASE.heartbeatMs);
  });
});

describe('the tables', () => {
  const tables = () => ofType(resources, 'aws:dynamodb/table:Table');

  test('tables have TTL and point-in-time recovery', () => {
    expect(tables()).toHaveLength(5);
    for (const table of tables()) {
      expect(table.inputs.ttl).toEqual({ attributeName: 'ttl', enabled: true });
      expect(table.inputs.pointInTimeRecovery).toEqual({ enabled: true });
    }
  });

  test('tables are on demand and encrypted at rest', () => {
    for (const table of tables()) {
      expect(table.inputs.billingMode).toBe('PAY_PER_REQUEST');
      expect(table.inputs.serverSideEncryption).toEqual({ enabled: true });
    }
  });

  test('keys and indexes come from the shared definitions', () => {
    for (const def of Object.values(TABLES)) {
      const table = tables().find((t) => t.inputs.name === `playground-test-${def.name}`)!;
      expect(table.inputs.hashKey).toBe(def.hashKey);
      expect(table.inputs.globalSecondaryIndexes ?? []).toHaveLength(def.indexes.length);
    }
    const executions = tables().find((t) => t.inputs.name === 'playground-test-executions')!;
    expect(executions.inputs.globalSecondaryIndexes[0]).toMatchObject({ name: 'byPendingOwner', projectionType: 'ALL' });
    expect(executions.inputs.attributes).toEqual(expect.arrayContaining([{ name: 'pendingOwner', type: 'S' }, { name: 'createdAt', type: 'N' }]));
  });
});

describe('the fleets', () => {
  const group = (role: string) => one('aws:autoscaling/group:Group', `${role}-group`);

  test('workers scale on backlog per instance', () => {
    const policy = one('aws:autoscaling/policy:Policy', 'worker-backlog');
    expect(policy.inputs.policyType).toBe('TargetTrackingScaling');
    const [m1, m2, e1] = policy.inputs.targetTrackingConfiguration.customizedMetricSpecification.metrics;
    expect(m1.metricStat.metric).toMatchObject({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible' });
    expect(m1.metricStat.stat).toBe('Sum');
    expect(m2.metricStat.metric).toMatchObject({ namespace: 'AWS/AutoScaling', metricName: 'GroupInServiceInstances' });
    expect(m2.metricStat.metric.dimensions).toEqual([{ name: 'AutoScalingGroupName', value: group('worker').state.name }]);
    expect(e1).toMatchObject({ returnData: true });
    expect([m1.returnData, m2.returnData]).toEqual([false, false]);
  });

  test('backlog per worker is defined with no worker in service, so the workers can scale from zero', () => {
    const policy = one('aws:autoscaling/policy:Policy', 'worker-backlog');
    const e1 = policy.inputs.targetTrackingConfiguration.customizedMetricSpecification.metrics[2];
    // m1 / m2 alone has no value when m2 is 0: target tracking would never add the first worker.
    expect(e1.expression).toBe('IF(m2 > 0, m1 / m2, m1)');
    const body = JSON.parse(one('aws:cloudwatch/dashboard:Dashboard').inputs.dashboardBody);
    expect(JSON.stringify(body)).toContain(JSON.stringify(e1.expression));
  });

  test('the backlog target is the one the local autoscaler computes', () => {
    const policy = one('aws:autoscaling/policy:Policy', 'worker-backlog');
    const expected = targetBacklogPerWorker({ acceptableLatencyMs: 1000, averageRunMs: 200, concurrencyPerWorker: 4 });
    expect(policy.inputs.targetTrackingConfiguration.targetValue).toBe(expected);
    expect(program.workerBacklogTargetPerInstance).toBe(expected);
  });

  test('the worker group publishes the metrics its scaling divides by', () => {
    expect(group('worker').inputs.enabledMetrics).toContain('GroupInServiceInstances');
  });

  test('a scaled-in worker is held while its executions drain, and may release only itself', () => {
    const hook = one('aws:autoscaling/lifecycleHook:LifecycleHook');
    expect(hook.inputs).toMatchObject({ lifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', defaultResult: 'CONTINUE', autoscalingGroupName: group('worker').state.name });
    expect(hook.inputs.heartbeatTimeout).toBeGreaterThanOrEqual(60);
    expect(userDataOf('worker')).toContain(`--lifecycle-hook-name ${hook.inputs.name}`);
    const release = statementsOf('worker').find((s) => s.Action.includes('autoscaling:CompleteLifecycleAction'));
    expect(release.Resource).toEqual([`arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:*:autoScalingGroupName/playground-test-workers`]);
  });

  test('the drain time is a lifecycle hook resource, so changing it later reaches AWS', () => {
    // initialLifecycleHooks apply only when the group is created.
    expect(group('worker').inputs.initialLifecycleHooks ?? []).toEqual([]);
    expect(one('aws:autoscaling/lifecycleHook:LifecycleHook').inputs.heartbeatTimeout).toBe(120);
    expect(ofType(resources, 'aws:autoscaling/lifecycleHook:LifecycleHook').map((h) => h.inputs.autoscalingGroupName)).toEqual([group('worker').state.name]);
  });

  test('an instance whose boot fails may mark itself unhealthy, in its own group only', () => {
    for (const role of ['gateway', 'worker']) {
      const statement = statementsOf(role).find((s) => s.Action.includes('autoscaling:SetInstanceHealth'));
      expect(statement.Resource).toEqual([`arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:*:autoScalingGroupName/playground-test-${role}s`]);
      expect(userDataOf(role)).toContain('set-instance-health');
    }
  });

  test('at least two gateways run across zones behind the load balancer, checked by its health check', () => {
    const gateways = group('gateway');
    expect(gateways.inputs.minSize).toBeGreaterThanOrEqual(2);
    expect(gateways.inputs.vpcZoneIdentifiers.length).toBeGreaterThanOrEqual(2);
    expect(gateways.inputs.targetGroupArns).toEqual([one('aws:lb/targetGroup:TargetGroup').state.arn]);
    expect(gateways.inputs.healthCheckType).toBe('ELB');
  });

  test('health means something: gateways by /healthz behind the load balancer, both fleets by probes their roles may make', () => {
    expect(group('gateway').inputs.healthCheckType).toBe('ELB');
    // No load balancer sees the workers: EC2 status checks plus the instance's own probes.
    expect(group('worker').inputs.healthCheckType).toBe('EC2');
    // A slow boot is not replaced mid-install: health counts once a boot could be done.
    for (const role of ['gateway', 'worker']) expect(group(role).inputs.healthCheckGracePeriod).toBeGreaterThanOrEqual(BOOT_GRACE_SECONDS);
    const queue = ofType(resources, 'aws:sqs/queue:Queue').find((q) => q.inputs.redrivePolicy)!;
    const executions = ofType(resources, 'aws:dynamodb/table:Table').find((t) => t.inputs.name === 'playground-test-executions')!;
    for (const role of ['gateway', 'worker']) {
      const script = userDataOf(role);
      expect(script).toContain('systemctl enable --now playground-health.timer');
      expect(script).toContain(`aws sqs get-queue-attributes --region ${REGION} --queue-url ${queue.state.url}`);
      expect(script).toContain(`aws dynamodb get-item --region ${REGION} --table-name playground-test-executions --key '{"executionId"`);
      const allowed = (arn: string) => statementsOf(role).filter((s) => s.Resource.includes(arn)).flatMap((s) => s.Action);
      expect(allowed(queue.state.arn)).toContain('sqs:GetQueueAttributes');
      expect(allowed(executions.state.arn)).toContain('dynamodb:GetItem');
    }
    expect(userDataOf('gateway')).toContain('curl -sf -o /dev/null --max-time 5 http://127.0.0.1:8080/healthz');
  });

  test('burstable gateways scale out at their baseline CPU, not above it', () => {
    const policy = one('aws:autoscaling/policy:Policy', 'gateway-cpu');
    expect(policy.inputs.targetTrackingConfiguration.predefinedMetricSpecification.predefinedMetricType).toBe('ASGAverageCPUUtilization');
    expect(policy.inputs.targetTrackingConfiguration.targetValue).toBeLessThanOrEqual(burstBaselinePercent(one('aws:ec2/launchTemplate:LaunchTemplate', 'gateway-template').inputs.instanceType)!);
    expect([burstBaselinePercent('t3.small'), burstBaselinePercent('t4g.large'), burstBaselinePercent('c7i.large')]).toEqual([20, 30, undefined]);
  });

  test('a new release rolls both fleets: instance refresh follows the launch template', () => {
    for (const role of ['gateway', 'worker']) {
      const g = group(role);
      expect(g.inputs.instanceRefresh.strategy).toBe('Rolling');
      expect(g.inputs.launchTemplate).toEqual({ id: `${role}-template-id`, version: '1' });
      expect(userDataOf(role)).toMatch(new RegExp(`s3://[^ ]+/releases/${role}-abc.tar.gz`));
    }
  });

  test.runIf(runShellcheck)("the user data the program renders passes shellcheck, scripts it installs included", () => {
    for (const role of ['gateway', 'worker']) {
      const script = userDataOf(role);
      expect(shellcheck(script)).toBe('');
      for (const [, body] of script.matchAll(/<<'(?:WATCH|HEALTH|SANDBOX)'\n([\s\S]*?)\n(?:WATCH|HEALTH|SANDBOX)$/gm)) expect(shellcheck(body!)).toBe('');
    }
  });
  if (!runShellcheck) test.skip(SHELLCHECK_SKIPPED, () => {});

  test('every instance requires IMDSv2', () => {
    const templates = ofType(resources, 'aws:ec2/launchTemplate:LaunchTemplate');
    expect(templates).toHaveLength(2);
    for (const t of templates) expect(t.inputs.metadataOptions).toMatchObject({ httpTokens: 'required', httpPutResponseHopLimit: 1 });
  });

  test('instances boot Node 24 and the release under systemd with the settings the services read', () => {
    for (const role of ['gateway', 'worker']) {
      const script = userDataOf(role);
      expect(script).toContain('https://nodejs.org/dist/v24.21.0/node-v24.21.0-linux-x64.tar.xz');
      // The worker runs the sandbox, a workspace of its own.
      expect(script).toContain(role === 'worker' ? 'npm ci --omit=dev -w shared -w sandbox -w worker' : 'npm ci --omit=dev -w shared -w gateway');
      expect(script).toContain(`ExecStart=/opt/node/bin/node ${role}/src/main.ts`);
      for (const name of ['EXECUTIONS_TABLE', 'OUTPUTS_TABLE', 'CONNECTIONS_TABLE', 'SNIPPETS_TABLE', 'QUEUE_URL', 'DLQ_URL', 'AWS_REGION', 'MANAGEMENT_ENDPOINT']) {
        expect(script).toMatch(new RegExp(`^${name}=\\S+`, 'm'));
      }
      expect(script).toContain(`MANAGEMENT_ENDPOINT=https://abc123.execute-api.${REGION}.amazonaws.com/live`);
    }
    expect(userDataOf('gateway')).toMatch(/^HOST=0\.0\.0\.0$/m);
    expect(userDataOf('gateway')).toMatch(/reading INTEGRATION_SECRET from SSM parameter \/playground-test\/integration-secret:1"\n.*aws ssm get-parameter/);
    expect(userDataOf('worker')).toMatch(/^WORKER_CONCURRENCY=4$/m);
  });
});

describe('least privilege', () => {
  const managesConnections = (role: string) => statementsOf(role).filter((s) => s.Action.some((a: string) => a.startsWith('execute-api:')));

  test("workers may post only to this API's connections", () => {
    const [statement, ...others] = managesConnections('worker');
    expect(others).toEqual([]);
    expect(statement.Action).toEqual(['execute-api:ManageConnections']);
    expect(statement.Resource).toEqual([`arn:aws:execute-api:${REGION}:${ACCOUNT}:abc123/live/POST/@connections/*`]);
  });

  /** Actions the role's statements allow on exactly this resource ARN. */
  const allowedOn = (role: string, arn: string): string[] => statementsOf(role).filter((s) => s.Resource.includes(arn)).flatMap((s) => s.Action);
  const tableArn = (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/playground-test-${name}`;

  test('workers consume the queue, and use no table but executions, outputs, connections and tenants', () => {
    const statements = statementsOf('worker');
    const tables = statements.filter((s) => s.Action.some((a: string) => a.startsWith('dynamodb:'))).flatMap((s) => s.Resource);
    for (const arn of tables) expect(arn).toMatch(/:table\/playground-test-(executions|outputs|connections|tenants)(\/index\/\w+)?$/);
    const actions = statements.flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']));
    expect(actions.some((a: string) => a.endsWith('*'))).toBe(false);
  });

  test('workers may scan the pending index: the recovery sweep reads stranded runs there', () => {
    // ExecutionStore.stranded is a Scan with IndexName, authorized against the index's ARN.
    const index = TABLES.executions.indexes[0].name;
    expect(allowedOn('worker', `${tableArn('executions')}/index/${index}`)).toContain('dynamodb:Scan');
  });

  test('workers may delete connection rows: a post that meets GoneException removes the socket', () => {
    expect(allowedOn('worker', tableArn('connections'))).toEqual(['dynamodb:DeleteItem']);
  });

  test('gateways may query the pending index: the per-socket cap counts there', () => {
    expect(allowedOn('gateway', `${tableArn('executions')}/index/byPendingOwner`)).toContain('dynamodb:Query');
  });

  test('every table the program creates is granted to some service, by its own ARN', () => {
    const granted = new Set(['gateway', 'worker'].flatMap((role) => statementsOf(role).flatMap((s) => s.Resource)));
    for (const table of ofType(resources, 'aws:dynamodb/table:Table')) expect(granted).toContain(table.state.arn);
    // No wildcard over indexes: each index read is granted on the index it reads.
    for (const arn of granted) expect(arn).not.toMatch(/\/index\/\*$/);
  });

  test('gateways may enqueue and use the tables, but not consume the queue', () => {
    const actions = statementsOf('gateway').flatMap((s) => s.Action);
    expect(actions).toContain('sqs:SendMessage');
    expect(actions).not.toContain('sqs:ReceiveMessage');
    expect(actions).not.toContain('sqs:DeleteMessage');
    expect(actions.some((a: string) => a.endsWith('*'))).toBe(false);
  });

  test('no statement grants every resource', () => {
    for (const role of ['gateway', 'worker']) {
      for (const s of statementsOf(role)) expect(s.Resource).not.toContain('*');
    }
  });

  test('no resource carries an access key', () => {
    expect(ofType(resources, 'aws:iam/accessKey:AccessKey')).toEqual([]);
    expect(ofType(resources, 'aws:iam/user:User')).toEqual([]);
    const everything = JSON.stringify(resources.map((r) => r.inputs)) + userDataOf('gateway') + userDataOf('worker');
    expect(everything).not.toMatch(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/);
    expect(everything).not.toMatch(/AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)/);
  });

  test('gateways read the secret parameter at its current version: a new value changes the launch template and rolls them', () => {
    const parameter = one('aws:ssm/parameter:Parameter');
    expect(userDataOf('gateway')).toContain(`--name ${parameter.inputs.name}:${parameter.state.version} `);
    // With no rotation under way the gateways accept the one secret API Gateway sends.
    expect(isSecret(parameter.inputs.value)).toBe(true);
    expect(reveal(parameter.inputs.value)).toBe(SECRET);
  });

  test('the integration secret never appears in user data: instances read it from SSM', () => {
    for (const role of ['gateway', 'worker']) expect(userDataOf(role)).not.toContain(SECRET);
    expect(one('aws:ssm/parameter:Parameter').inputs).toMatchObject({ type: 'SecureString' });
  });
});

describe('the network', () => {
  const ingress = () => ofType(resources, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule');

  test('no security group opens SSH to the internet', () => {
    for (const rule of ingress()) {
      const opensSsh = rule.inputs.ipProtocol === '-1' || (rule.inputs.fromPort <= 22 && rule.inputs.toPort >= 22);
      const fromAnywhere = rule.inputs.cidrIpv4 === '0.0.0.0/0' || rule.inputs.cidrIpv6 === '::/0';
      expect(opensSsh && fromAnywhere).toBe(false);
    }
    for (const sg of ofType(resources, 'aws:ec2/securityGroup:SecurityGroup')) expect(sg.inputs.ingress ?? []).toEqual([]);
  });

  test('nothing is open to the internet at all', () => {
    for (const rule of ingress()) expect([rule.inputs.cidrIpv4, rule.inputs.cidrIpv6]).not.toContain('0.0.0.0/0');
  });

  test('workers admit no inbound traffic', () => {
    const worker = one('aws:ec2/securityGroup:SecurityGroup', 'network-worker');
    expect(ingress().filter((r) => r.inputs.securityGroupId === worker.id)).toEqual([]);
  });

  test('gateways admit only the load balancer, on the gateway port', () => {
    const gateway = one('aws:ec2/securityGroup:SecurityGroup', 'network-gateway');
    const nlb = one('aws:ec2/securityGroup:SecurityGroup', 'network-nlb');
    expect(ingress().filter((r) => r.inputs.securityGroupId === gateway.id).map((r) => r.inputs)).toEqual([
      expect.objectContaining({ fromPort: 8080, toPort: 8080, referencedSecurityGroupId: nlb.id }),
    ]);
  });

  test('instances land only in zones that offer every instance type the fleets launch', () => {
    // The mocks offer t3.small (gateways) in zones a, b and c, t3.medium (workers) in a and c only.
    const subnets = ofType(resources, 'aws:ec2/subnet:Subnet').filter((s) => s.inputs.tags.tier === 'private');
    expect(subnets.map((s) => s.inputs.availabilityZone)).toEqual([`${REGION}a`, `${REGION}c`]);
    expect(zonesOffering(['t3.small', 't3.medium'], ['z1', 'z2', 'z3'], ['z1', 'z1', 'z2', 'z3', 'z3'], ['t3.small', 't3.medium', 't3.small', 't3.medium', 't3.small'])).toEqual(['z1', 'z3']);
  });

  test('instances live in private subnets in two zones, behind a NAT gateway', () => {
    const subnets = ofType(resources, 'aws:ec2/subnet:Subnet').filter((s) => s.inputs.tags.tier === 'private');
    expect(new Set(subnets.map((s) => s.inputs.availabilityZone)).size).toBeGreaterThanOrEqual(2);
    expect(ofType(resources, 'aws:ec2/natGateway:NatGateway')).toHaveLength(1);
    for (const t of ofType(resources, 'aws:ec2/launchTemplate:LaunchTemplate')) expect(t.inputs.networkInterfaces[0].associatePublicIpAddress).toBe('false');
    const group = one('aws:autoscaling/group:Group', 'worker-group');
    expect(group.inputs.vpcZoneIdentifiers).toEqual(subnets.map((s) => s.id));
  });
});

describe('the web app', () => {
  test('the bucket is not public', () => {
    const blocks = ofType(resources, 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock');
    expect(blocks).toHaveLength(ofType(resources, 'aws:s3/bucket:Bucket').length);
    for (const block of blocks) {
      expect(block.inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    }
  });

  test('only this CloudFront distribution may read the site, through Origin Access Control', () => {
    const policy = parse(one('aws:s3/bucketPolicy:BucketPolicy').inputs.policy);
    const distribution = one('aws:cloudfront/distribution:Distribution');
    expect(policy.Statement).toEqual([expect.objectContaining({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Condition: { StringEquals: { 'AWS:SourceArn': distribution.state.arn } },
    })]);
    expect(distribution.inputs.origins[0].originAccessControlId).toBe(one('aws:cloudfront/originAccessControl:OriginAccessControl').id);
  });

  test('unknown paths fall back to index.html, and the viewer is redirected to HTTPS', () => {
    const distribution = one('aws:cloudfront/distribution:Distribution');
    expect(distribution.inputs.customErrorResponses).toEqual(expect.arrayContaining([expect.objectContaining({ errorCode: 404, responseCode: 200, responsePagePath: '/index.html' })]));
    expect(distribution.inputs.defaultCacheBehavior.viewerProtocolPolicy).toBe('redirect-to-https');
  });

  test('the build is uploaded with content types, and /config.json holds the socket URL', () => {
    const objects = ofType(resources, 'aws:s3/bucketObjectv2:BucketObjectv2').filter((o) => o.name.startsWith('web/'));
    expect(objects.map((o) => o.inputs.key).sort()).toEqual(['_app/immutable/start.abc123.js', 'config.json', 'favicon.svg', 'index.html']);
    expect(objects.find((o) => o.inputs.key === 'index.html')!.inputs).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    const config = objects.find((o) => o.inputs.key === 'config.json')!;
    expect(JSON.parse(config.inputs.content)).toEqual({ socketUrl: `wss://abc123.execute-api.${REGION}.amazonaws.com/live` });
    expect(config.inputs.cacheControl).toBe('no-store');
  });
});

describe('observability', () => {
  const alarm = (metricName: string) => ofType(resources, 'aws:cloudwatch/metricAlarm:MetricAlarm').find((a) => a.inputs.metricName === metricName);

  test('alarms watch dead letters, the oldest message, API 5xx and unhealthy gateways', () => {
    expect(alarm('ApproximateAgeOfOldestMessage')!.inputs.threshold).toBe(60);
    expect(alarm('IntegrationError')).toBeDefined();
    expect(alarm('UnHealthyHostCount')!.inputs.namespace).toBe('AWS/NetworkELB');
    const topic = one('aws:sns/topic:Topic');
    for (const a of ofType(resources, 'aws:cloudwatch/metricAlarm:MetricAlarm')) expect(a.inputs.alarmActions).toEqual([topic.state.arn]);
  });

  test('the dead-letter alarm counts messages received from the queue, which the workers empty within seconds', () => {
    const dlq = ofType(resources, 'aws:sqs/queue:Queue').find((q) => !q.inputs.redrivePolicy)!;
    const deadLetters = ofType(resources, 'aws:cloudwatch/metricAlarm:MetricAlarm').filter((a) => a.inputs.dimensions?.QueueName === dlq.state.name);
    expect(deadLetters.map((a) => a.inputs)).toEqual([expect.objectContaining({
      namespace: 'AWS/SQS', metricName: 'NumberOfMessagesReceived', statistic: 'Sum', threshold: 0, comparisonOperator: 'GreaterThanThreshold',
    })]);
  });

  test('the dead-letter alarm points to a saved query that lists the crashed executions from the worker logs', () => {
    const query = one('aws:cloudwatch/queryDefinition:QueryDefinition');
    expect(query.inputs.logGroupNames).toEqual([one('aws:cloudwatch/logGroup:LogGroup', 'worker-logs').state.name]);
    expect(query.inputs.queryString).toContain(`filter msg = '${CRASH_LOG_LINE}'`);
    expect(query.inputs.queryString).toContain('executionId');
    // The line the query filters on is the one the worker writes.
    expect(readFileSync('worker/src/recovery.ts', 'utf8')).toContain(`'${CRASH_LOG_LINE}'`);
    expect(alarm('NumberOfMessagesReceived')!.inputs.alarmDescription).toContain(query.inputs.name);
  });

  test('alarm notifications can be delivered: the topic is encrypted with a key CloudWatch may use', () => {
    const topic = one('aws:sns/topic:Topic');
    const key = one('aws:kms/key:Key');
    // alias/aws/sns is the AWS-managed key, whose policy does not admit CloudWatch.
    expect(topic.inputs.kmsMasterKeyId).toBe(key.state.arn);
    const policy = parse(key.inputs.policy);
    expect(policy.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
      Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']),
    })]));
    expect(key.inputs.enableKeyRotation).toBe(true);
  });

  test('every log group keeps its logs for a bounded time', () => {
    const groups = ofType(resources, 'aws:cloudwatch/logGroup:LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(3);
    for (const g of groups) expect(g.inputs.retentionInDays).toBe(14);
  });

  test('the dashboard plots backlog per worker with the same metric math', () => {
    const body = JSON.parse(one('aws:cloudwatch/dashboard:Dashboard').inputs.dashboardBody);
    expect(JSON.stringify(body)).toContain('IF(m2 > 0, m1 / m2, m1)');
  });
});

describe('replacements', () => {
  test('what a change may replace is name-prefixed or auto-named, so the new one can exist beside the old', () => {
    // Create-before-delete fails with "already exists" on a fixed physical name.
    for (const type of ['aws:sqs/queue:Queue', 'aws:sns/topic:Topic', 'aws:ec2/launchTemplate:LaunchTemplate']) {
      for (const r of ofType(resources, type)) {
        expect(r.inputs.name).toBeUndefined();
        expect(r.inputs.namePrefix).toMatch(/^playground-test-/);
      }
    }
    for (const type of ['aws:lb/targetGroup:TargetGroup', 'aws:lb/loadBalancer:LoadBalancer', 'aws:ec2/securityGroup:SecurityGroup', 'aws:iam/role:Role', 'aws:kms/key:Key']) {
      for (const r of ofType(resources, type)) expect(r.inputs.name).toBeUndefined();
    }
  });

  test('tables keep fixed names: replacing one must fail rather than drop its data', () => {
    for (const table of ofType(resources, 'aws:dynamodb/table:Table')) expect(table.inputs.name).toMatch(/^playground-test-\w+$/);
  });
});

describe('stack outputs', () => {
  test('the stack exports the web URL, socket URL, queue URL, table names and dashboard URL', async () => {
    expect(await valueOf(program.webUrl as string)).toBe('https://d123.cloudfront.net');
    expect(await valueOf(program.socketUrl as string)).toBe(`wss://abc123.execute-api.${REGION}.amazonaws.com/live`);
    expect(await valueOf(program.queueUrl as string)).toBe(`https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/playground-test-executions-1234`);
    expect(await valueOf(program.tableNames as object)).toEqual({ executions: 'playground-test-executions', outputs: 'playground-test-outputs', connections: 'playground-test-connections', snippets: 'playground-test-snippets', tenants: 'playground-test-tenants' });
    expect(await valueOf(program.dashboardUrl as string)).toContain(`dashboards:name=playground-test`);
  });

  test('every component registers its outputs under the stack', () => {
    const components = resources.filter((r) => r.type.startsWith('playground:infra:'));
    expect(components.map((c) => c.type).sort()).toEqual([
      'playground:infra:DataStores', 'playground:infra:Fleet', 'playground:infra:Fleet', 'playground:infra:Network',
      'playground:infra:Observability', 'playground:infra:Realtime', 'playground:infra:Releases', 'playground:infra:Web',
    ]);
  });
});
