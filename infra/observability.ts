/**
 * What an operator watches: alarms for the states that mean users are affected (a
 * dead-lettered execution, a queue nobody drains, integration errors, a gateway out of
 * service) sent to one SNS topic, and one dashboard with the fleet's vital signs.
 */
import * as pulumi from '@pulumi/pulumi';
import * as aws from '@pulumi/aws';

/** The line a worker logs when it finishes a dead-lettered run as crashed (worker/src/recovery.ts). */
export const CRASH_LOG_LINE = 'execution crashed on every try';

export interface ObservabilityArgs {
  prefix: string;
  queueName: pulumi.Input<string>;
  deadLetterQueueName: pulumi.Input<string>;
  apiId: pulumi.Input<string>;
  stageName: pulumi.Input<string>;
  loadBalancerArnSuffix: pulumi.Input<string>;
  targetGroupArnSuffix: pulumi.Input<string>;
  workerGroupName: pulumi.Input<string>;
  /** The worker scaling policy's metric math over m1 (visible messages) and m2 (workers in service). */
  backlogPerWorkerExpression: string;
  gatewayGroupName: pulumi.Input<string>;
  /** Where the workers log `execution crashed on every try` (worker/src/recovery.ts). */
  workerLogGroupName: pulumi.Input<string>;
  /** A message older than this means the workers are not keeping up. */
  oldestMessageAlarmSeconds: number;
  alarmEmail?: string;
  tags: Record<string, string>;
}

export class Observability extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly topicKey: aws.kms.Key;
  readonly alarms: aws.cloudwatch.MetricAlarm[];
  readonly dashboard: aws.cloudwatch.Dashboard;
  /** Logs Insights query listing dead-lettered executions: what the dead-letter alarm points to. */
  readonly deadLetterQuery: aws.cloudwatch.QueryDefinition;
  readonly dashboardUrl: pulumi.Output<string>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('playground:infra:Observability', name, {}, opts);
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;

    // The topic is encrypted with a key of our own: CloudWatch cannot use the AWS-managed
    // alias/aws/sns key (its policy cannot be changed), and an alarm that cannot encrypt
    // its message to the topic silently notifies no one.
    this.topicKey = new aws.kms.Key(`${name}-alarms-key`, {
      description: `${args.prefix}: encrypts the alarm topic; CloudWatch alarms may use it`,
      enableKeyRotation: true,
      deletionWindowInDays: 7,
      policy: account.apply((accountId) => JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          // The account's IAM policies decide who administers the key (the default key policy).
          { Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' },
          { Sid: 'CloudWatchAlarmsPublish', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' },
        ],
      })),
      tags: args.tags,
    }, parent);
    this.topic = new aws.sns.Topic(`${name}-alarms`, { namePrefix: `${args.prefix}-alarms-`, kmsMasterKeyId: this.topicKey.arn, tags: args.tags }, parent);
    if (args.alarmEmail) {
      new aws.sns.TopicSubscription(`${name}-email`, { topic: this.topic.arn, protocol: 'email', endpoint: args.alarmEmail }, parent);
    }
    const deadLetterQueryName = `${args.prefix}/dead-lettered-executions`;
    this.deadLetterQuery = new aws.cloudwatch.QueryDefinition(`${name}-dead-letters`, {
      name: deadLetterQueryName,
      logGroupNames: [args.workerLogGroupName],
      queryString: [
        'fields @timestamp, executionId, attempts, @logStream',
        `filter msg = '${CRASH_LOG_LINE}'`,
        'sort @timestamp desc',
        'limit 100',
      ].join('\n| '),
    }, parent);
    const alarm = (id: string, description: string, spec: Omit<aws.cloudwatch.MetricAlarmArgs, 'alarmActions' | 'okActions' | 'alarmDescription'>) =>
      new aws.cloudwatch.MetricAlarm(`${name}-${id}`, { ...spec, name: `${args.prefix}-${id}`, alarmDescription: description, alarmActions: [this.topic.arn], okActions: [this.topic.arn], tags: args.tags }, parent);

    this.alarms = [
      // Workers consume the dead-letter queue within seconds (they report the run as
      // crashed), so messages *visible* there are almost never sampled; messages
      // *received* from it count every dead letter. The messages are gone afterwards:
      // the saved query below lists the executions, whose rows keep their code.
      alarm('dead-letters', `Executions reached the dead-letter queue: they crashed three times. Run the Logs Insights query ${deadLetterQueryName} for their ids.`, {
        namespace: 'AWS/SQS', metricName: 'NumberOfMessagesReceived', dimensions: { QueueName: args.deadLetterQueueName },
        statistic: 'Sum', period: 60, evaluationPeriods: 1, threshold: 0, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching',
      }),
      alarm('oldest-message', `A queued execution waited more than ${args.oldestMessageAlarmSeconds} s: workers are not keeping up.`, {
        namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimensions: { QueueName: args.queueName },
        statistic: 'Maximum', period: 60, evaluationPeriods: 3, threshold: args.oldestMessageAlarmSeconds, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching',
      }),
      alarm('api-5xx', 'The WebSocket API failed to reach the gateways (integration 5xx).', {
        namespace: 'AWS/ApiGateway', metricName: 'IntegrationError', dimensions: { ApiId: args.apiId, Stage: args.stageName },
        statistic: 'Sum', period: 60, evaluationPeriods: 3, datapointsToAlarm: 2, threshold: 5, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching',
      }),
      alarm('api-execution-errors', 'API Gateway itself failed to handle messages.', {
        namespace: 'AWS/ApiGateway', metricName: 'ExecutionError', dimensions: { ApiId: args.apiId, Stage: args.stageName },
        statistic: 'Sum', period: 60, evaluationPeriods: 3, datapointsToAlarm: 2, threshold: 5, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching',
      }),
      alarm('unhealthy-gateways', 'A gateway fails its /healthz check behind the load balancer.', {
        namespace: 'AWS/NetworkELB', metricName: 'UnHealthyHostCount', dimensions: { LoadBalancer: args.loadBalancerArnSuffix, TargetGroup: args.targetGroupArnSuffix },
        statistic: 'Maximum', period: 60, evaluationPeriods: 3, threshold: 0, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'breaching',
      }),
    ];

    this.dashboard = new aws.cloudwatch.Dashboard(`${name}-dashboard`, {
      dashboardName: `${args.prefix}`,
      dashboardBody: pulumi.all({ r: region, queue: args.queueName, dlq: args.deadLetterQueueName, apiId: args.apiId, stage: args.stageName, workers: args.workerGroupName, gateways: args.gatewayGroupName, lb: args.loadBalancerArnSuffix, tg: args.targetGroupArnSuffix })
        .apply(({ r, queue, dlq, apiId, stage, workers, gateways, lb, tg }) => JSON.stringify({
          widgets: [
            widget(0, 0, 'Backlog per worker (what scaling holds)', r, [
              ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', queue, { id: 'm1', visible: false, stat: 'Sum' }],
              ['AWS/AutoScaling', 'GroupInServiceInstances', 'AutoScalingGroupName', workers, { id: 'm2', visible: false }],
              [{ expression: args.backlogPerWorkerExpression, label: 'backlog per worker', id: 'e1' }],
            ]),
            widget(12, 0, 'Workers and gateways in service', r, [
              ['AWS/AutoScaling', 'GroupInServiceInstances', 'AutoScalingGroupName', workers, { label: 'workers' }],
              ['AWS/AutoScaling', 'GroupInServiceInstances', 'AutoScalingGroupName', gateways, { label: 'gateways' }],
            ]),
            widget(0, 6, 'Queue', r, [
              ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', queue, { stat: 'Maximum' }],
              ['AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', queue, { stat: 'Maximum', yAxis: 'right' }],
              ['AWS/SQS', 'NumberOfMessagesReceived', 'QueueName', dlq, { stat: 'Sum', label: 'dead letters' }],
            ]),
            widget(12, 6, 'WebSocket API', r, [
              ['AWS/ApiGateway', 'ConnectCount', 'ApiId', apiId, 'Stage', stage, { stat: 'Sum' }],
              ['AWS/ApiGateway', 'MessageCount', 'ApiId', apiId, 'Stage', stage, { stat: 'Sum' }],
              ['AWS/ApiGateway', 'IntegrationError', 'ApiId', apiId, 'Stage', stage, { stat: 'Sum' }],
              ['AWS/ApiGateway', 'IntegrationLatency', 'ApiId', apiId, 'Stage', stage, { stat: 'p99', yAxis: 'right' }],
            ]),
            widget(0, 12, 'Gateway health', r, [
              ['AWS/NetworkELB', 'HealthyHostCount', 'TargetGroup', tg, 'LoadBalancer', lb, { stat: 'Minimum' }],
              ['AWS/NetworkELB', 'UnHealthyHostCount', 'TargetGroup', tg, 'LoadBalancer', lb, { stat: 'Maximum' }],
            ]),
            widget(12, 12, 'CPU', r, [
              ['AWS/EC2', 'CPUUtilization', 'AutoScalingGroupName', workers, { label: 'workers' }],
              ['AWS/EC2', 'CPUUtilization', 'AutoScalingGroupName', gateways, { label: 'gateways' }],
            ]),
          ],
        })),
    }, parent);
    this.dashboardUrl = pulumi.interpolate`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
    this.registerOutputs({ dashboardUrl: this.dashboardUrl, topicArn: this.topic.arn });
  }
}

function widget(x: number, y: number, title: string, region: string | undefined, metrics: unknown[]): unknown {
  return { type: 'metric', x, y, width: 12, height: 6, properties: { title, region, metrics, view: 'timeSeries', stacked: false, period: 60 } };
}
