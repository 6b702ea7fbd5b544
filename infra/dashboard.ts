import { Aws, Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  type Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { REJECTED_AFTER_AUTH } from '../shared/intake/dependencies.ts';
import { ALARMS, type MonitoredPipeline, serviceMetric } from './alarms.ts';

export interface DashboardProps extends MonitoredPipeline {
  stage: string;
  posthogHost: string;
  /** Read when the template is written, so alarms added later (prober, cohort sync) show too. */
  alarms: Alarm[];
}

/**
 * The stage's dashboard. The Powertools metrics carry the dimension `service` (the Powertools service name,
 * `intake` or `forwarder`); Rejected and DeadLettered add `reason`.
 */
export function createDashboard(scope: Construct, props: DashboardProps): Dashboard {
  const period = ALARMS.period;
  const custom = (metricName: string, service: 'intake' | 'forwarder', statistic = 'Sum'): Metric =>
    serviceMetric(props.namespace, metricName, service, statistic);
  /** One line per `reason` of a metric such as Rejected{reason}, whatever reasons appear (a dynamic label names each). */
  const byReason = (metricName: string, service: 'intake' | 'forwarder'): MathExpression =>
    new MathExpression({
      expression: `SEARCH('{"${props.namespace}",reason,service} MetricName="${metricName}" service="${service}"', 'Sum', ${period.toSeconds()})`,
      usingMetrics: {},
      label: `${metricName}: \${PROP('Dim.reason')}`,
      period,
    });
  const dashboard = new Dashboard(scope, 'Dashboard', {
    dashboardName: `moengage-posthog-forwarder-${props.stage}-${Aws.REGION}`,
    defaultInterval: Duration.hours(3),
  });
  const graph = (title: string, left: IMetric[], right: IMetric[] = [], width = 8): GraphWidget =>
    new GraphWidget({ title, left, right, width, height: 6 });
  dashboard.addWidgets(
    new TextWidget({
      markdown: `# MoEngage → PostHog forwarder: ${props.stage}\nPostHog: \`${props.posthogHost}\`. Metrics namespace \`${props.namespace}\`; every count is a sum per ${period.toMinutes()} min. Runbook: docs/operations.md, "Alarms".`,
      width: 24,
      height: 2,
    }),
  );
  dashboard.addWidgets(
    graph('Events: received → queued → delivered', [
      custom('Received', 'intake').with({ label: 'Received (requests)' }),
      custom('Queued', 'intake').with({ label: 'Queued (events)' }),
      custom('Delivered', 'forwarder').with({ label: 'Delivered (events)' }),
    ]),
    graph('Rejected at intake, by reason', [
      byReason('Rejected', 'intake'),
      custom(REJECTED_AFTER_AUTH, 'intake').with({ label: 'with a valid token (RejectedRequests alarm)' }),
    ]),
    graph('Dead-lettered and retried', [
      byReason('DeadLettered', 'forwarder'),
      custom('Retried', 'forwarder').with({ label: 'Retried' }),
      custom('PostHogUnauthorized', 'forwarder').with({ label: 'PostHog 401' }),
    ]),
  );
  dashboard.addWidgets(
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
      props.front.title,
      [
        props.front.requests({ period, label: 'requests' }),
        props.front.clientErrors({ period, label: '4xx' }),
        props.front.serverErrors({ period, label: '5xx' }),
      ],
      [props.front.latencyP99({ period, label: 'latency p99 (ms)' })],
    ),
  );
  dashboard.addWidgets(
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
  dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 3 }));
  return dashboard;
}
