import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { QUEUE_SETTINGS } from '../shared/queue/settings.ts';
import type { StackConfig } from './config.ts';
import { settingsEnvironment } from './settings.ts';
import { type FunctionObservability, ServiceFunction } from './function-defaults.ts';
import type { EventQueues, StageSecrets } from './storage.ts';

/** Sizing, justified in docs/deploy.md ("Sizing"). */
export const SIZING = {
  intake: { memoryMb: 512, timeoutSeconds: 6, posthogTimeoutMs: 4_000 },
  // The forwarder's PostHog timeout is a setting (posthogTimeoutMs, infra/function-settings.ts).
  forwarder: {
    memoryMb: 512,
    timeoutSeconds: QUEUE_SETTINGS.forwarderTimeoutSeconds,
    /** The SQS event source's records per invocation and batching window (shared with the local runner). */
    batchSize: QUEUE_SETTINGS.batchSize,
    batchingWindowSeconds: QUEUE_SETTINGS.batchingWindowSeconds,
  },
} as const;

/** What every pipeline function shares: the stage's settings, where its metrics and logs go, its queues and secrets. */
export interface PipelineContext extends EventQueues, StageSecrets {
  config: StackConfig;
  metricsNamespace: string;
  observability: FunctionObservability;
}

/** The intake: reads both secrets (the key for ?verify=1) and may only send to the main queue. */
export function createIntake(scope: Construct, context: PipelineContext): ServiceFunction {
  const { config, queue, posthogApiKey, webhookTokens } = context;
  const intake = new ServiceFunction(scope, 'Intake', {
    name: 'intake',
    description: `MoEngage webhook intake (${config.stage}): authenticate, validate, map, enqueue`,
    memorySize: SIZING.intake.memoryMb,
    timeout: Duration.seconds(SIZING.intake.timeoutSeconds),
    metricsNamespace: context.metricsNamespace,
    logRetention: config.logRetentionDays,
    observability: context.observability,
    secretsExtensionLayerArn: config.secretsExtensionLayerArn,
    // Behind a function URL nothing throttles in front of the intake: its reserved concurrency bounds it instead.
    reservedConcurrentExecutions: config.endpoint === 'functionUrl' ? config.intakeReservedConcurrency : undefined,
    environment: {
      POSTHOG_HOST: config.posthogHost,
      POSTHOG_API_KEY_SECRET: posthogApiKey.secretArn,
      WEBHOOK_TOKENS_SECRET: webhookTokens.secretArn,
      QUEUE_URL: queue.queueUrl,
      POSTHOG_TIMEOUT_MS: String(SIZING.intake.posthogTimeoutMs),
      ...settingsEnvironment(config, 'intake'),
    },
  });
  posthogApiKey.grantRead(intake.role);
  webhookTokens.grantRead(intake.role);
  queue.grantSendMessages(intake.role);
  return intake;
}

/** The forwarder and the outage prober deliver alike: the same PostHog, key, queues and delivery settings. */
export function deliveryEnvironment({ config, queue, deadLetterQueue, posthogApiKey }: PipelineContext): Record<string, string> {
  return {
    POSTHOG_HOST: config.posthogHost,
    POSTHOG_API_KEY_SECRET: posthogApiKey.secretArn,
    QUEUE_URL: queue.queueUrl,
    DLQ_URL: deadLetterQueue.queueUrl,
    ...settingsEnvironment(config, 'delivery'),
  };
}

export interface Forwarder {
  fn: ServiceFunction;
  eventSource: SqsEventSource;
}

/**
 * The forwarder: reads the PostHog key, consumes the main queue (receive, delete, change visibility; granted by the
 * event source) with partial batch failures, and sends permanent failures to the DLQ. For the circuit breaker it
 * also tags the main queue (the breaker's state) and re-queues a systemically failed record.
 */
export function createForwarder(scope: Construct, context: PipelineContext): Forwarder {
  const { config, queue, deadLetterQueue, posthogApiKey } = context;
  const fn = new ServiceFunction(scope, 'Forwarder', {
    name: 'forwarder',
    description: `Delivers queued events to PostHog (${config.stage}) with partial batch failures`,
    memorySize: SIZING.forwarder.memoryMb,
    timeout: Duration.seconds(SIZING.forwarder.timeoutSeconds),
    metricsNamespace: context.metricsNamespace,
    logRetention: config.logRetentionDays,
    observability: context.observability,
    secretsExtensionLayerArn: config.secretsExtensionLayerArn,
    environment: deliveryEnvironment(context),
  });
  posthogApiKey.grantRead(fn.role);
  deadLetterQueue.grantSendMessages(fn.role);
  queue.grantSendMessages(fn.role);
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:ListQueueTags', 'sqs:TagQueue'], resources: [queue.queueArn] }));
  const eventSource = new SqsEventSource(queue, {
    batchSize: SIZING.forwarder.batchSize,
    maxBatchingWindow: Duration.seconds(SIZING.forwarder.batchingWindowSeconds),
    reportBatchItemFailures: true,
    maxConcurrency: config.maxConcurrency,
  });
  fn.function.addEventSource(eventSource);
  return { fn, eventSource };
}
