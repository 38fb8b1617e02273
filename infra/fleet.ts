/**
 * One fleet of identical instances: an instance role with only the statements the role
 * needs, a launch template (IMDSv2 only, encrypted disk, no key pair) whose user data
 * installs the release, and an Auto Scaling group across the zones that replaces its
 * instances (instance refresh) whenever the launch template changes, that is whenever
 * a release or a setting changes. An instance counts as healthy only once it is of use:
 * its boot marks it Unhealthy if it fails, and its own health timer does so if its
 * service stops answering or its role cannot reach the queue and table (userdata.ts).
 */
import * as pulumi from '@pulumi/pulumi';
import * as aws from '@pulumi/aws';
import { renderUserData, type UserDataInput } from './userdata.ts';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: pulumi.Input<pulumi.Input<string>[]>;
}

export interface FleetArgs {
  role: 'gateway' | 'worker';
  prefix: string;
  /** Fixed, so the boot script (in the launch template) can name its own group. */
  groupName: string;
  instanceType: string;
  architecture: 'x86_64' | 'arm64';
  /** Pin an AMI; by default the newest Amazon Linux 2023 for the architecture. */
  amiId?: string;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupId: pulumi.Input<string>;
  associatePublicIp: boolean;
  minSize: number;
  maxSize: number;
  /** Target groups the instances join (gateways: the load balancer's). */
  targetGroupArns?: pulumi.Input<string>[];
  /** Statements of the instance role, besides fetching the release and writing logs. */
  statements: pulumi.Input<PolicyStatement>[];
  /** Everything the boot script needs but the drain hook and log group. */
  userData: pulumi.Input<Omit<UserDataInput, 'logGroupName' | 'drain'>>;
  /** Workers: hold terminating instances while they drain, for this long at most. */
  drainSeconds?: number;
  /** Let operators open a shell through SSM Session Manager (no SSH anywhere). */
  sessionManager: boolean;
  logRetentionDays: number;
  /** Seconds a new instance needs before it counts: boot, Node, npm ci. */
  warmupSeconds: number;
  tags: Record<string, string>;
}

/**
 * CPU a burstable instance (t2, t3, t3a, t4g) may use per vCPU without spending
 * credits, in percent; undefined for other families. A CPU target above it drains the
 * credits and, in unlimited mode (the t3 default), bills the surplus.
 */
export function burstBaselinePercent(instanceType: string): number | undefined {
  const [family, size] = instanceType.split('.');
  if (!family || !size || !/^t(2|3a?|4g)$/.test(family)) return undefined;
  const baselines: Record<string, number> = family === 't2'
    ? { nano: 5, micro: 10, small: 20, medium: 20, large: 30, xlarge: 22.5, '2xlarge': 17 }
    : { nano: 5, micro: 10, small: 20, medium: 20, large: 30, xlarge: 40, '2xlarge': 40 };
  return baselines[size];
}

/** Longest a boot may take before health checks count: Node, the release, npm ci, agents. */
export const BOOT_GRACE_SECONDS = 600;

export class Fleet extends pulumi.ComponentResource {
  readonly group: aws.autoscaling.Group;
  readonly role: aws.iam.Role;
  readonly launchTemplate: aws.ec2.LaunchTemplate;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly drainHookName: string | undefined;
  readonly drainHook: aws.autoscaling.LifecycleHook | undefined;

  constructor(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super('playground:infra:Fleet', name, {}, opts);
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;

    this.logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: `/playground/${args.prefix}/${args.role}`, retentionInDays: args.logRetentionDays, tags: args.tags }, parent);

    this.role = new aws.iam.Role(`${name}-role`, {
      assumeRolePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
      managedPolicyArns: args.sessionManager ? ['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'] : [],
      tags: args.tags,
    }, parent);
    const groupArn = pulumi.interpolate`arn:aws:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${args.groupName}`;
    const release = pulumi.output(args.userData).release;
    const statements: pulumi.Input<PolicyStatement>[] = [
      ...args.statements,
      { Sid: 'FetchRelease', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [pulumi.interpolate`arn:aws:s3:::${release.bucket}/${release.key}`] },
      // A failed boot (or a failed health check on the instance) hands the instance back.
      { Sid: 'ReportOwnHealth', Effect: 'Allow', Action: ['autoscaling:SetInstanceHealth'], Resource: [groupArn] },
      { Sid: 'WriteLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], Resource: [this.logGroup.arn, pulumi.interpolate`${this.logGroup.arn}:*`] },
      ...(args.drainSeconds !== undefined
        ? [{ Sid: 'ReleaseAfterDrain', Effect: 'Allow' as const, Action: ['autoscaling:CompleteLifecycleAction'], Resource: [groupArn] }]
        : []),
    ];
    new aws.iam.RolePolicy(`${name}-policy`, {
      role: this.role.id,
      policy: pulumi.output(statements).apply((s) => JSON.stringify({ Version: '2012-10-17', Statement: s })),
    }, parent);
    const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: this.role.name, tags: args.tags }, parent);

    const imageId = args.amiId ?? aws.ec2.getAmiOutput({
      owners: ['amazon'],
      mostRecent: true,
      filters: [
        { name: 'name', values: [`al2023-ami-2023.*-kernel-*-${args.architecture}`] },
        { name: 'architecture', values: [args.architecture] },
        { name: 'state', values: ['available'] },
      ],
    }, parent).id;

    this.drainHookName = args.drainSeconds !== undefined ? 'drain' : undefined;
    const userData = pulumi.all([args.userData, this.logGroup.name]).apply(([input, logGroupName]) =>
      Buffer.from(renderUserData({
        ...input,
        logGroupName,
        ...(this.drainHookName ? { drain: { groupName: args.groupName, hookName: this.drainHookName } } : {}),
      })).toString('base64'));

    this.launchTemplate = new aws.ec2.LaunchTemplate(`${name}-template`, {
      namePrefix: `${args.prefix}-${args.role}-`,
      imageId,
      instanceType: args.instanceType,
      iamInstanceProfile: { arn: profile.arn },
      // IMDSv2 only; one hop, so nothing behind the instance (a container) reaches it.
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      networkInterfaces: [{ associatePublicIpAddress: String(args.associatePublicIp), securityGroups: [args.securityGroupId], deleteOnTermination: 'true' }],
      blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: 16, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' } }],
      monitoring: { enabled: true },
      userData,
      tagSpecifications: [{ resourceType: 'instance', tags: { ...args.tags, Name: `${args.prefix}-${args.role}`, role: args.role } }],
      updateDefaultVersion: true,
      tags: args.tags,
    }, parent);

    this.group = new aws.autoscaling.Group(`${name}-group`, {
      name: args.groupName,
      vpcZoneIdentifiers: args.subnetIds,
      minSize: args.minSize,
      maxSize: args.maxSize,
      launchTemplate: { id: this.launchTemplate.id, version: pulumi.interpolate`${this.launchTemplate.latestVersion}` },
      ...(args.targetGroupArns ? { targetGroupArns: args.targetGroupArns, healthCheckType: 'ELB' } : { healthCheckType: 'EC2' }),
      // Health checks count only after a boot could have finished (a slow npm ci must not
      // get a booting instance replaced in a loop). A boot that fails says so at once,
      // grace period or not (userdata.ts), so a long grace costs nothing there.
      healthCheckGracePeriod: Math.max(BOOT_GRACE_SECONDS, args.warmupSeconds),
      defaultInstanceWarmup: args.warmupSeconds,
      // The group publishes its size metrics; the workers' backlog metric divides by one.
      enabledMetrics: ['GroupInServiceInstances', 'GroupDesiredCapacity', 'GroupPendingInstances', 'GroupTerminatingInstances', 'GroupTotalInstances'],
      // A new launch template version (a release) replaces instances, new ones first.
      instanceRefresh: {
        strategy: 'Rolling',
        preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 200, instanceWarmup: String(args.warmupSeconds), autoRollback: true },
      },
      tags: Object.entries({ ...args.tags, Name: `${args.prefix}-${args.role}` }).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
    }, { parent: this, ignoreChanges: ['desiredCapacity'] });

    // A resource of its own, not the group's initialLifecycleHooks: those apply only when
    // the group is created, so a later workerDrainSeconds would never reach AWS.
    if (this.drainHookName) {
      this.drainHook = new aws.autoscaling.LifecycleHook(`${name}-drain`, {
        name: this.drainHookName,
        autoscalingGroupName: this.group.name,
        lifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        heartbeatTimeout: args.drainSeconds!,
        defaultResult: 'CONTINUE',
      }, parent);
    }

    this.registerOutputs({ groupName: this.group.name, roleArn: this.role.arn });
  }
}
