import { Arn, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type FunctionObservability, ServiceFunction } from './function-defaults.ts';

export interface OutageProberProps {
  stage: string;
  metricsNamespace: string;
  logRetention: RetentionDays;
  observability?: FunctionObservability;
  /** `-c secretsExtensionLayerArn` (infra/secrets-extension.ts). */
  secretsExtensionLayerArn?: string | undefined;
  environment: Record<string, string>;
  queue: Queue;
  deadLetterQueue: Queue;
  posthogApiKey: Secret;
  eventSourceMappingId: string;
  probeSeconds: number;
  alarmTopic: ITopic;
}

/** What each "paused" alarm says, and what to do (docs/operations.md, "Outages"). */
export const PAUSE_ALARMS = {
  unreachable:
    'PostHog unreachable since the time this alarm went into ALARM: delivery is paused, events wait in SQS (up to 14 days) and one probe per OUTAGE_PROBE_SECONDS checks PostHog; delivery resumes by itself. See `npx moengage-posthog delivery status` and PostHog status.',
  key_refused:
    'Project key refused since the time this alarm went into ALARM: PostHog answers 401/403, delivery is paused and events wait in SQS. Put the right phc_ key in the secret (`npx moengage-posthog secrets set-posthog-key`); the next probe resumes delivery.',
} as const;

/**
 * The scheduled prober of the circuit breaker (functions/prober): turns the forwarder's event source off while
 * delivery is paused and on again after a successful probe. EventBridge schedules run at most once a minute.
 */
export class OutageProber extends Construct {
  readonly function: ServiceFunction;
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: OutageProberProps) {
    super(scope, id);
    this.function = new ServiceFunction(this, 'Function', {
      name: 'prober',
      description: `Probes PostHog while delivery is paused and resumes it (${props.stage})`,
      memorySize: 256,
      timeout: Duration.seconds(30),
      metricsNamespace: props.metricsNamespace,
      logRetention: props.logRetention,
      observability: props.observability,
      secretsExtensionLayerArn: props.secretsExtensionLayerArn,
      environment: { ...props.environment, EVENT_SOURCE_MAPPING_ID: props.eventSourceMappingId, QUEUE_ARN: props.queue.queueArn },
    });
    const role = this.function.role;
    props.posthogApiKey.grantRead(role);
    props.queue.grantConsumeMessages(role);
    props.queue.grantSendMessages(role);
    props.deadLetterQueue.grantSendMessages(role);
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:ListQueueTags', 'sqs:TagQueue'], resources: [props.queue.queueArn] }));
    const stack = Stack.of(this);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:GetEventSourceMapping', 'lambda:UpdateEventSourceMapping'],
        resources: [
          Arn.format(
            {
              service: 'lambda',
              resource: 'event-source-mapping',
              resourceName: props.eventSourceMappingId,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            },
            stack,
          ),
        ],
      }),
    );
    new Rule(this, 'Schedule', {
      description: `Runs the outage prober of moengage-posthog-forwarder ${props.stage}`,
      schedule: Schedule.rate(Duration.seconds(props.probeSeconds)),
      targets: [new LambdaFunction(this.function.function, { retryAttempts: 0 })],
    });
    this.alarms = (['unreachable', 'key_refused'] as const).map((cause) => {
      const alarm = new Alarm(this, cause === 'unreachable' ? 'PostHogUnreachable' : 'ProjectKeyRefused', {
        metric: new Metric({
          namespace: props.metricsNamespace,
          metricName: 'DeliveryPausedMinutes',
          dimensionsMap: { cause, service: 'prober' },
          statistic: 'Sum',
          period: Duration.minutes(5),
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `${PAUSE_ALARMS[cause]} (moengage-posthog-forwarder ${props.stage}; runbook: docs/operations.md)`,
      });
      alarm.addAlarmAction(new SnsAction(props.alarmTopic));
      alarm.addOkAction(new SnsAction(props.alarmTopic));
      return alarm;
    });
  }
}
