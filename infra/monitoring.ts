import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MonitoringProps {
  stage: string;
  posthogHost: string;
  /** Powertools metrics namespace of this stage. */
  namespace: string;
  alarmEmail?: string | undefined;
  queue: Queue;
  deadLetterQueue: Queue;
  apiStage: HttpStage;
  intake: IFunction;
  forwarder: IFunction;
}

/** Alarm thresholds (docs/deploy.md, "Alarms"). */
export const ALARMS = {
  oldestMessageAgeSeconds: 15 * 60,
  period: Duration.minutes(5),
} as const;

/**
 * Alarms → one SNS topic (e-mail if configured) and a dashboard of the pipeline. The Powertools metrics carry the
 * dimension `service` (the Powertools service name, `intake` or `forwarder`); Rejected and DeadLettered add `reason`.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  readonly dashboardUrl: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const period = ALARMS.period;
    const custom = (metricName: string, service: 'intake' | 'forwarder', statistic = 'Sum'): Metric =>
      new Metric({ namespace: props.namespace, metricName, dimensionsMap: { service }, statistic, period });
    /** One line per `reason` of a metric such as Rejected{reason}, whatever reasons appear (a dynamic label names each). */
    const byReason = (metricName: string, service: 'intake' | 'forwarder'): MathExpression =>
      new MathExpression({
        expression: `SEARCH('{"${props.namespace}",reason,service} MetricName="${metricName}" service="${service}"', 'Sum', ${period.toSeconds()})`,
        usingMetrics: {},
        label: `${metricName}: \${PROP('Dim.reason')}`,
        period,
      });

    // CloudWatch alarms can publish to an encrypted topic only with a customer managed key whose policy lets
    // CloudWatch use it (the AWS managed aws/sns key cannot be shared).
    const key = new Key(this, 'AlarmTopicKey', {
      description: `Encrypts the alarm topic of moengage-posthog-forwarder ${props.stage}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: `MoEngage → PostHog forwarder alarms (${props.stage})`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const alarm = (id: string, description: string, options: ConstructorParameters<typeof Alarm>[2]): Alarm => {
      const created = new Alarm(this, id, {
        ...options,
        alarmDescription: `${description} (moengage-posthog-forwarder ${props.stage}; runbook: docs/deploy.md)`,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new SnsAction(this.topic));
      created.addOkAction(new SnsAction(this.topic));
      this.alarms.push(created);
      return created;
    };

    alarm('DeadLetterQueueNotEmpty', 'Events are in the dead-letter queue: read dlq_reason, fix the cause, then redrive', {
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    alarm('OldestMessageTooOld', 'The oldest queued event has waited more than 15 minutes: PostHog is failing or the forwarder is stuck', {
      metric: props.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: ALARMS.oldestMessageAgeSeconds,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
    alarm('Intake5xx', 'The HTTP API answered 5xx: MoEngage counts these as failed sends (queue unavailable or intake error)', {
      metric: props.apiStage.metricServerError({ period, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    alarm('ForwarderErrors', 'The forwarder function failed (crash or timeout); its whole batch will be received again', {
      metric: props.forwarder.metricErrors({ period, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    alarm('PostHogUnauthorized', 'PostHog answered 401: the project key in Secrets Manager is wrong; events wait in the queue', {
      metric: custom('PostHogUnauthorized', 'forwarder'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `moengage-posthog-forwarder-${props.stage}-${Aws.REGION}`,
      defaultInterval: Duration.hours(3),
    });
    const graph = (title: string, left: IMetric[], right: IMetric[] = [], width = 8): GraphWidget =>
      new GraphWidget({ title, left, right, width, height: 6 });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# MoEngage → PostHog forwarder: ${props.stage}\nPostHog: \`${props.posthogHost}\`. Metrics namespace \`${props.namespace}\`; every count is a sum per ${period.toMinutes()} min. Runbook: docs/deploy.md.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph('Events: received → queued → delivered', [
        custom('Received', 'intake').with({ label: 'Received (requests)' }),
        custom('Queued', 'intake').with({ label: 'Queued (events)' }),
        custom('Delivered', 'forwarder').with({ label: 'Delivered (events)' }),
      ]),
      graph('Rejected at intake, by reason', [byReason('Rejected', 'intake')]),
      graph('Dead-lettered and retried', [
        byReason('DeadLettered', 'forwarder'),
        custom('Retried', 'forwarder').with({ label: 'Retried' }),
        custom('PostHogUnauthorized', 'forwarder').with({ label: 'PostHog 401' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Delivery latency: intake → PostHog (ms)', [
        custom('DeliveryLatency', 'forwarder', 'p50').with({ label: 'p50' }),
        custom('DeliveryLatency', 'forwarder', 'p90').with({ label: 'p90' }),
        custom('DeliveryLatency', 'forwarder', 'p99').with({ label: 'p99' }),
        custom('DeliveryLatency', 'forwarder', 'Maximum').with({ label: 'max' }),
      ]),
      graph(
        'Queue depth',
        [
          props.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), label: 'queue: waiting' }),
          props.queue.metricApproximateNumberOfMessagesNotVisible({ period: Duration.minutes(1), label: 'queue: in flight' }),
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), label: 'DLQ' }),
        ],
        [props.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), label: 'oldest message age (s)' })],
      ),
      graph(
        'HTTP API',
        [
          props.apiStage.metricCount({ period, label: 'requests' }),
          props.apiStage.metricClientError({ period, label: '4xx' }),
          props.apiStage.metricServerError({ period, label: '5xx' }),
        ],
        [props.apiStage.metricLatency({ period, statistic: 'p99', label: 'latency p99 (ms)' })],
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Lambda: errors and throttles',
        [
          props.intake.metricErrors({ period, label: 'intake errors' }),
          props.intake.metricThrottles({ period, label: 'intake throttles' }),
          props.forwarder.metricErrors({ period, label: 'forwarder errors' }),
          props.forwarder.metricThrottles({ period, label: 'forwarder throttles' }),
        ],
        [],
        12,
      ),
      graph(
        'Lambda: duration p99 (ms)',
        [
          props.intake.metricDuration({ period, statistic: 'p99', label: 'intake' }),
          props.forwarder.metricDuration({ period, statistic: 'p99', label: 'forwarder' }),
        ],
        [],
        12,
      ),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 }));

    this.dashboardUrl = `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.dashboard.dashboardName}`;
  }
}
