/**
 * The realtime edge: an API Gateway WebSocket API holds every browser socket and calls
 * the gateways over HTTP for `$connect`, `$disconnect` and every message (`$default`).
 *
 * WebSocket APIs reach private backends only through a V1 VPC link
 * (`aws.apigateway.VpcLink`) to a Network Load Balancer. API Gateway does not forward the
 * connection id or the caller's address unless mapped, so each integration maps them to
 * the headers the gateway reads, plus a static shared-secret header so nothing but this
 * API can call the integration routes. `$default` has a route response: the body the
 * gateway returns is the reply the client receives.
 */
import { INTEGRATION_HEADERS, INTEGRATION_ROUTES } from '../shared/src/integration.ts';
import * as pulumi from '@pulumi/pulumi';
import * as aws from '@pulumi/aws';
import { createHash } from 'node:crypto';

// Header names and paths the gateway serves, defined once beside the services.
export { INTEGRATION_HEADERS };
const ROUTES = INTEGRATION_ROUTES;

export interface RealtimeArgs {
  prefix: string;
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  loadBalancerSecurityGroupId: pulumi.Input<string>;
  gatewayPort: number;
  listenerPort: number;
  stageName: string;
  integrationSecret: pulumi.Input<string>;
  throttling: { rateLimit: number; burstLimit: number };
  logRetentionDays: number;
  /** Set API Gateway's account-wide CloudWatch role (needed once per region for access logs). */
  manageAccountLogRole: boolean;
  /** Optional custom domain (regional), e.g. ws.play.example.com, and its Route 53 zone. */
  domain?: { name: string; zoneId: pulumi.Input<string> };
  tags: Record<string, string>;
}

export class Realtime extends pulumi.ComponentResource {
  readonly api: aws.apigatewayv2.Api;
  readonly stage: aws.apigatewayv2.Stage;
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  readonly integrations: Record<keyof typeof ROUTES, aws.apigatewayv2.Integration>;
  readonly accessLogs: aws.cloudwatch.LogGroup;
  /** wss:// URL browsers connect to. */
  readonly socketUrl: pulumi.Output<string>;
  /** https://{api-id}.execute-api.{region}.amazonaws.com/{stage}: where the fleets post replies. */
  readonly managementEndpoint: pulumi.Output<string>;
  /** The only ARN the fleets may call ManageConnections on: this API, this stage, POST. */
  readonly postToConnectionsArn: pulumi.Output<string>;

  constructor(name: string, args: RealtimeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('playground:infra:Realtime', name, {}, opts);
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;

    // The load balancer API Gateway's VPC link points at. Internal: reachable only
    // through the link. Cross-zone, so one healthy gateway serves every zone.
    this.loadBalancer = new aws.lb.LoadBalancer(`${name}-nlb`, {
      loadBalancerType: 'network',
      internal: true,
      subnets: args.subnetIds,
      securityGroups: [args.loadBalancerSecurityGroupId],
      // PrivateLink traffic (the VPC link) is admitted by the link itself, not by source address.
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off',
      enableCrossZoneLoadBalancing: true,
      tags: args.tags,
    }, parent);
    this.targetGroup = new aws.lb.TargetGroup(`${name}-gateways`, {
      vpcId: args.vpcId,
      port: args.gatewayPort,
      protocol: 'TCP',
      targetType: 'instance',
      // Integration calls are short; a draining gateway needs seconds, not the default 5 min.
      deregistrationDelay: 30,
      healthCheck: { protocol: 'HTTP', path: '/healthz', port: String(args.gatewayPort), interval: 10, healthyThreshold: 2, unhealthyThreshold: 2 },
      tags: args.tags,
    }, parent);
    new aws.lb.Listener(`${name}-listener`, {
      loadBalancerArn: this.loadBalancer.arn,
      port: args.listenerPort,
      protocol: 'TCP',
      defaultActions: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
      tags: args.tags,
    }, parent);
    const vpcLink = new aws.apigateway.VpcLink(`${name}-link`, { name: `${args.prefix}-gateways`, targetArn: this.loadBalancer.arn, tags: args.tags }, parent);

    this.api = new aws.apigatewayv2.Api(`${name}-api`, {
      name: `${args.prefix}-socket`,
      protocolType: 'WEBSOCKET',
      routeSelectionExpression: '$request.body.action',
      tags: args.tags,
    }, parent);

    const requestParameters = pulumi.output(args.integrationSecret).apply((secret) => ({
      [`integration.request.header.${INTEGRATION_HEADERS.connectionId}`]: 'context.connectionId',
      [`integration.request.header.${INTEGRATION_HEADERS.sourceIp}`]: 'context.identity.sourceIp',
      // A static value is written in single quotes.
      [`integration.request.header.${INTEGRATION_HEADERS.secret}`]: `'${secret}'`,
    }));
    const routeKeys = Object.keys(ROUTES) as Array<keyof typeof ROUTES>;
    const integrations = {} as Record<keyof typeof ROUTES, aws.apigatewayv2.Integration>;
    const routes: pulumi.Resource[] = [];
    for (const routeKey of routeKeys) {
      const slug = routeKey.slice(1);
      const integration = new aws.apigatewayv2.Integration(`${name}-${slug}`, {
        apiId: this.api.id,
        integrationType: 'HTTP_PROXY',
        integrationMethod: 'POST',
        integrationUri: pulumi.interpolate`http://${this.loadBalancer.dnsName}:${args.listenerPort}${ROUTES[routeKey]}`,
        connectionType: 'VPC_LINK',
        connectionId: vpcLink.id,
        requestParameters,
        // API Gateway allows 29 s; the gateway answers in milliseconds or has failed.
        timeoutMilliseconds: 10_000,
      }, parent);
      integrations[routeKey] = integration;
      const route = new aws.apigatewayv2.Route(`${name}-${slug}`, {
        apiId: this.api.id,
        routeKey,
        target: pulumi.interpolate`integrations/${integration.id}`,
        // Two-way: the integration's response body goes back to the client.
        ...(routeKey === '$default' ? { routeResponseSelectionExpression: '$default' } : {}),
      }, parent);
      routes.push(route);
      if (routeKey === '$default') {
        routes.push(new aws.apigatewayv2.RouteResponse(`${name}-${slug}-response`, { apiId: this.api.id, routeId: route.id, routeResponseKey: '$default' }, parent));
      }
    }
    this.integrations = integrations;

    this.accessLogs = new aws.cloudwatch.LogGroup(`${name}-access`, { name: `/playground/${args.prefix}/api-access`, retentionInDays: args.logRetentionDays, tags: args.tags }, parent);
    const stageDependsOn: pulumi.Resource[] = [];
    if (args.manageAccountLogRole) {
      // Access logging on WebSocket stages needs API Gateway's regional CloudWatch role.
      // The setting is the whole region's, and deleting aws.apigateway.Account resets it:
      // `pulumi destroy` would break every other API's logging. Both the setting and the
      // role it names are therefore left in place on delete (docs/operations.md).
      const retained = { parent: this, retainOnDelete: true };
      const role = new aws.iam.Role(`${name}-apigw-logs`, {
        assumeRolePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
        managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
        tags: args.tags,
      }, retained);
      stageDependsOn.push(new aws.apigateway.Account(`${name}-apigw-account`, { cloudwatchRoleArn: role.arn }, retained));
    }

    // WebSocket stages do not auto-deploy: a new deployment whenever a route or an
    // integration changes, its request parameters included (a new secret is only sent
    // once deployed). They hold the secret, so the trigger is a digest of them.
    const deployment = new aws.apigatewayv2.Deployment(`${name}-deployment`, {
      apiId: this.api.id,
      triggers: {
        routes: pulumi.all(routes.map((r) => (r as pulumi.CustomResource).id)).apply((ids) => ids.join(',')),
        integrations: pulumi.all(Object.values(integrations).map((i) => pulumi.all([i.id, i.integrationUri]))).apply(JSON.stringify),
        requestParameters: requestParameters.apply(requestParametersDigest),
      },
    }, { parent: this, dependsOn: routes });
    this.stage = new aws.apigatewayv2.Stage(`${name}-stage`, {
      apiId: this.api.id,
      name: args.stageName,
      deploymentId: deployment.id,
      defaultRouteSettings: {
        throttlingRateLimit: args.throttling.rateLimit,
        throttlingBurstLimit: args.throttling.burstLimit,
        dataTraceEnabled: false,
      },
      accessLogSettings: {
        destinationArn: this.accessLogs.arn,
        format: JSON.stringify({
          requestId: '$context.requestId', connectionId: '$context.connectionId', routeKey: '$context.routeKey', eventType: '$context.eventType',
          status: '$context.status', integrationStatus: '$context.integrationStatus', integrationLatency: '$context.integrationLatency',
          sourceIp: '$context.identity.sourceIp', error: '$context.error.message', time: '$context.requestTimeEpoch',
        }),
      },
      tags: args.tags,
    }, { parent: this, dependsOn: stageDependsOn });

    this.managementEndpoint = pulumi.interpolate`https://${this.api.id}.execute-api.${region}.amazonaws.com/${this.stage.name}`;
    this.postToConnectionsArn = pulumi.interpolate`arn:aws:execute-api:${region}:${account}:${this.api.id}/${this.stage.name}/POST/@connections/*`;

    if (args.domain) {
      const cert = new aws.acm.Certificate(`${name}-cert`, { domainName: args.domain.name, validationMethod: 'DNS', tags: args.tags }, parent);
      const validation = validateCertificate(`${name}-cert`, cert, args.domain.zoneId, this);
      const domainName = new aws.apigatewayv2.DomainName(`${name}-domain`, {
        domainName: args.domain.name,
        domainNameConfiguration: { certificateArn: validation.certificateArn, endpointType: 'REGIONAL', securityPolicy: 'TLS_1_2' },
        tags: args.tags,
      }, parent);
      new aws.apigatewayv2.ApiMapping(`${name}-mapping`, { apiId: this.api.id, domainName: domainName.id, stage: this.stage.id }, parent);
      new aws.route53.Record(`${name}-alias`, {
        zoneId: args.domain.zoneId,
        name: args.domain.name,
        type: 'A',
        aliases: [{ name: domainName.domainNameConfiguration.targetDomainName, zoneId: domainName.domainNameConfiguration.hostedZoneId, evaluateTargetHealth: false }],
      }, parent);
      this.socketUrl = pulumi.output(`wss://${args.domain.name}`);
    } else {
      this.socketUrl = this.stage.invokeUrl;
    }

    this.registerOutputs({ socketUrl: this.socketUrl, managementEndpoint: this.managementEndpoint });
  }
}

/** What the deployment's trigger holds for the integrations' request parameters: a digest, never the secret. */
export function requestParametersDigest(parameters: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(parameters).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** DNS validation records for an ACM certificate, and the wait for it to be issued. */
export function validateCertificate(name: string, cert: aws.acm.Certificate, zoneId: pulumi.Input<string>, parent: pulumi.Resource, provider?: aws.Provider): aws.acm.CertificateValidation {
  const option = cert.domainValidationOptions.apply((options) => options[0]!);
  const record = new aws.route53.Record(`${name}-validation`, {
    zoneId,
    name: option.resourceRecordName,
    type: option.resourceRecordType,
    records: [option.resourceRecordValue],
    ttl: 300,
    allowOverwrite: true,
  }, { parent });
  return new aws.acm.CertificateValidation(`${name}-validation`, { certificateArn: cert.arn, validationRecordFqdns: [record.fqdn] }, { parent, ...(provider ? { provider } : {}) });
}
