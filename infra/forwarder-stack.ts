import { Stack, type StackProps } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { CohortSync } from './cohort-sync.ts';
import { metricsNamespace, type StackConfig } from './config.ts';
import { createFunctionUrlFront, type Front, httpApiMetrics } from './front.ts';
import { createHttpFront } from './http-front.ts';
import { Monitoring } from './monitoring.ts';
import { OutageProber } from './outage-prober.ts';
import { createForwarder, createIntake, deliveryEnvironment, type PipelineContext } from './pipeline-functions.ts';
import { addStackOutputs } from './stack-outputs.ts';
import { createQueues, createSecrets } from './storage.ts';
import { addTraceQueries } from './trace-queries.ts';

export interface ForwarderStackProps extends StackProps {
  config: StackConfig;
}

/**
 * HTTP API (or the intake's function URL: `-c endpoint=functionUrl`) → intake → SQS (+ DLQ) → forwarder → PostHog, with the outage prober, alarms and a dashboard, and the
 * optional cohort sync. Each part is built by its own module; every construct id is the stack's own, so logical ids
 * do not depend on how the code is split.
 */
export class ForwarderStack extends Stack {
  /** How MoEngage reaches the intake: its base URL and request metrics. */
  readonly front: Front;

  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, props);
    const { config } = props;
    const context: PipelineContext = {
      config,
      metricsNamespace: metricsNamespace(config.stage),
      observability: { tracing: config.tracing, tracingLayerArn: config.tracingLayerArn, logLevel: config.logLevel },
      ...createQueues(this, config.maxReceiveCount),
      ...createSecrets(this, config.stage),
    };
    const { queue, deadLetterQueue } = context;
    const logRetention = config.logRetentionDays;

    const intake = createIntake(this, context);
    const forwarder = createForwarder(this, context);
    this.front = config.endpoint === 'functionUrl' ? createFunctionUrlFront(intake.function) : this.httpApi(config, intake.function);
    const logs = { intakeLogs: intake.logGroup, forwarderLogs: forwarder.fn.logGroup };
    addTraceQueries(this, { stage: config.stage, ...logs });

    const monitoring = new Monitoring(this, 'Monitoring', {
      stage: config.stage,
      posthogHost: config.posthogHost,
      namespace: context.metricsNamespace,
      delivery: config,
      queue,
      deadLetterQueue,
      front: this.front.metrics,
      intake: intake.function,
      forwarder: forwarder.fn.function,
      rejectedAlarmThreshold: config.rejectedAlarmThreshold,
      latencyAlarmMs: config.latencyAlarmMs,
      throttlingRateLimit: config.throttlingRateLimit,
    });

    const prober = new OutageProber(this, 'OutageProber', {
      stage: config.stage,
      metricsNamespace: context.metricsNamespace,
      logRetention,
      observability: context.observability,
      secretsExtensionLayerArn: config.secretsExtensionLayerArn,
      environment: deliveryEnvironment(context),
      queue,
      deadLetterQueue,
      posthogApiKey: context.posthogApiKey,
      eventSourceMappingId: forwarder.eventSource.eventSourceMappingId,
      probeSeconds: config.outageProbeSeconds,
      alarmTopic: monitoring.topic,
    });
    monitoring.show(...prober.alarms);

    if (config.cohortSync) {
      const cohortSync = new CohortSync(this, 'CohortSync', {
        stage: config.stage,
        posthogAppHost: config.posthogHost,
        metricsNamespace: context.metricsNamespace,
        logRetention,
        observability: context.observability,
        secretsExtensionLayerArn: config.secretsExtensionLayerArn,
      });
      monitoring.notify(cohortSync.failureAlarm);
    }

    addStackOutputs(this, {
      stage: config.stage,
      url: this.front.url,
      queue,
      deadLetterQueue,
      dashboardUrl: monitoring.dashboardUrl,
      alarmTopicArn: monitoring.topic.topicArn,
      metricsNamespace: context.metricsNamespace,
      ...logs,
    });
  }

  private httpApi(config: StackConfig, intake: IFunction): Front {
    const { api, stage } = createHttpFront(this, { config, intake, logRetention: config.logRetentionDays });
    return { url: api.apiEndpoint, metrics: httpApiMetrics(stage) };
  }
}
