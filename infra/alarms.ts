import { Duration } from 'aws-cdk-lib';
import { type AlarmProps, ComparisonOperator, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { REJECTED_AFTER_AUTH } from '../shared/intake/dependencies.ts';
import type { FrontMetrics } from './front.ts';

/** Fixed alarm thresholds; the tunable ones are settings (rejectedAlarmThreshold, latencyAlarmMs). */
export const ALARMS = {
  oldestMessageAgeSeconds: 15 * 60,
  period: Duration.minutes(5),
  /** ApiNearThrottle fires at this share of the stage's throttlingRateLimit. */
  throttleShare: 0.8,
} as const;

/** What the alarms and the dashboard watch: the stage's metrics namespace, queues, front and functions. */
export interface MonitoredPipeline {
  /** Powertools metrics namespace of the stage. */
  namespace: string;
  queue: Queue;
  deadLetterQueue: Queue;
  /** The front's request metrics: the HTTP API's, or the function URL's (then there is no stage throttle). */
  front: FrontMetrics;
  intake: IFunction;
  forwarder: IFunction;
}

export interface AlarmSources extends MonitoredPipeline {
  rejectedAlarmThreshold: number;
  latencyAlarmMs: number;
  throttlingRateLimit: number;
}

/** A Powertools metric of one function (dimension `service`), summed per ALARMS.period unless told otherwise. */
export const serviceMetric = (namespace: string, metricName: string, service: 'intake' | 'forwarder', statistic = 'Sum'): Metric =>
  new Metric({ namespace, metricName, dimensionsMap: { service }, statistic, period: ALARMS.period });

/** What an alarm watches, and what its description tells the operator to do (docs/operations.md, "Alarms"). */
export type AlarmDefinition = Omit<AlarmProps, 'alarmDescription' | 'treatMissingData'> & { whatToDo: string };

const atLeastOnce = { threshold: 1, comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, evaluationPeriods: 1 };

/** The pipeline's alarms by construct id; the outage prober and the cohort sync add their own on the same topic. */
export function alarmDefinitions(s: AlarmSources): Record<string, AlarmDefinition> {
  const period = ALARMS.period;
  const minute = Duration.minutes(1);
  const custom = (metricName: string, service: 'intake' | 'forwarder'): Metric => serviceMetric(s.namespace, metricName, service);
  const perSecondLimit = s.throttlingRateLimit * ALARMS.throttleShare;
  // Only the HTTP API has a stage throttle; behind a function URL the intake's reserved concurrency bounds it and
  // IntakeThrottled fires when it is reached.
  const throttle: Record<string, AlarmDefinition> = !s.front.throttled
    ? {}
    : {
        ApiNearThrottle: {
          whatToDo: `Requests reached ${Math.round(perSecondLimit)}/s for a minute, ${ALARMS.throttleShare * 100} % of the stage throttle (throttlingRateLimit ${s.throttlingRateLimit}/s); above it API Gateway answers 429 and MoEngage counts failed sends. Raise throttlingRateLimit (account quota 10,000/s) or lower MoEngage's send rate`,
          metric: new MathExpression({
            expression: 'requests / 60',
            usingMetrics: { requests: s.front.requests({ period: minute, statistic: 'Sum' }) },
            label: 'requests per second',
            period: minute,
          }),
          threshold: perSecondLimit,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
        },
      };
  return {
    DeadLetterQueueNotEmpty: {
      whatToDo:
        'Events are in the dead-letter queue: read why (`npx moengage-posthog dlq list`), fix the cause, then `npx moengage-posthog dlq redrive`',
      metric: s.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: minute, statistic: 'Maximum' }),
      ...atLeastOnce,
    },
    OldestMessageTooOld: {
      whatToDo:
        'The oldest queued event has waited more than 15 minutes: PostHog is failing or the forwarder is stuck. Run `npx moengage-posthog delivery status`, then read the forwarder logs',
      metric: s.queue.metricApproximateAgeOfOldestMessage({ period: minute, statistic: 'Maximum' }),
      threshold: ALARMS.oldestMessageAgeSeconds,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    },
    Intake5xx: {
      whatToDo: `The ${s.front.title} answered 5xx, which MoEngage counts as failed sends: 503 = the queue refused (SQS or its permissions), 500 = an intake error; read the intake logs at ERROR`,
      metric: s.front.serverErrors({ period }),
      ...atLeastOnce,
    },
    ForwarderErrors: {
      whatToDo: 'The forwarder function failed (crash or timeout); its whole batch is received again. Read the forwarder logs at ERROR',
      metric: s.forwarder.metricErrors({ period, statistic: 'Sum' }),
      ...atLeastOnce,
    },
    PostHogUnauthorized: {
      whatToDo:
        'PostHog answered 401: the project key in Secrets Manager is wrong and events wait in the queue. Put the phc_ key: `npx moengage-posthog secrets set-posthog-key`',
      metric: custom('PostHogUnauthorized', 'forwarder'),
      ...atLeastOnce,
    },
    RejectedRequests: {
      whatToDo: `At least ${s.rejectedAlarmThreshold} requests with a valid token (or Streams events) were refused in 5 minutes: a MoEngage template or Streams export sends what cannot be mapped, and those events never reach PostHog. Read the intake's WARN lines (reason, error_paths), fix the template, test it with \`npx moengage-posthog send-test\``,
      metric: custom(REJECTED_AFTER_AUTH, 'intake'),
      threshold: s.rejectedAlarmThreshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    },
    IntakeSlow: {
      whatToDo: `The ${s.front.title}'s p99 latency stayed above ${s.latencyAlarmMs} ms for 10 minutes; MoEngage counts an answer after 5 s as failed. Look at the intake's duration and cold starts, and at SQS (SendMessageBatch) latency`,
      metric: s.front.latencyP99({ period }),
      threshold: s.latencyAlarmMs,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    },
    IntakeThrottled: {
      whatToDo: s.front.throttled
        ? "Lambda throttled the intake: the account's concurrency quota is used up, and MoEngage gets errors for those sends. Ask for a higher Lambda concurrency quota (Service Quotas) or find what else uses it"
        : "Lambda throttled the intake: its reserved concurrency (intakeReservedConcurrency) is used up, and MoEngage gets 429 for those sends. Raise intakeReservedConcurrency, within the account's concurrency quota",
      metric: s.intake.metricThrottles({ period, statistic: 'Sum' }),
      ...atLeastOnce,
    },
    ForwarderThrottled: {
      whatToDo:
        "Lambda throttled the forwarder: the account's concurrency quota is used up, so delivery slows (events wait in the queue, nothing is lost). Ask for a higher Lambda concurrency quota",
      metric: s.forwarder.metricThrottles({ period, statistic: 'Sum' }),
      ...atLeastOnce,
    },
    ...throttle,
  };
}

/** The suffix of every alarm description: which deployment, and where the runbook is. */
export const runbookSuffix = (stage: string): string => `(moengage-posthog-forwarder ${stage}; runbook: docs/operations.md, "Alarms")`;
