import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { QUEUE_SETTINGS } from '../shared/queue-settings.ts';
import { ServiceFunction } from './function-defaults.ts';

export interface ForwarderStackProps extends StackProps {
  /** `us`, `eu` or the URL of a self-hosted PostHog. */
  posthogHost: string;
  stage: string;
  maxReceiveCount?: number | undefined;
  /** Upper bound of concurrent forwarder invocations (protects PostHog from bursts). */
  maxConcurrency?: number | undefined;
}

/** HTTP API → intake → SQS (+ DLQ) → forwarder → PostHog. */
export class ForwarderStack extends Stack {
  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, props);
    const retention = Duration.days(QUEUE_SETTINGS.retentionDays);

    const deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      retentionPeriod: retention,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const queue = new Queue(this, 'EventQueue', {
      retentionPeriod: retention,
      visibilityTimeout: Duration.seconds(QUEUE_SETTINGS.visibilityTimeoutSeconds),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? QUEUE_SETTINGS.maxReceiveCount },
    });

    const posthogApiKey = new Secret(this, 'PostHogApiKey', {
      description: `PostHog project API key (phc_…) for moengage-posthog-forwarder ${props.stage}; set it after deploying`,
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    });
    const webhookTokens = new Secret(this, 'WebhookTokens', {
      description: `Webhook token(s) MoEngage sends as Bearer; a JSON list allows rotation (${props.stage})`,
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
    });

    const shared = { POSTHOG_HOST: props.posthogHost, POSTHOG_API_KEY_SECRET: posthogApiKey.secretArn, QUEUE_URL: queue.queueUrl };
    const intake = new ServiceFunction(this, 'Intake', {
      name: 'intake',
      memorySize: 512,
      timeout: Duration.seconds(6),
      environment: { ...shared, WEBHOOK_TOKENS_SECRET: webhookTokens.secretArn },
    });
    posthogApiKey.grantRead(intake);
    webhookTokens.grantRead(intake);
    queue.grantSendMessages(intake);

    const forwarder = new ServiceFunction(this, 'Forwarder', {
      name: 'forwarder',
      memorySize: 256,
      timeout: Duration.seconds(QUEUE_SETTINGS.forwarderTimeoutSeconds),
      environment: { ...shared, DLQ_URL: deadLetterQueue.queueUrl },
    });
    posthogApiKey.grantRead(forwarder);
    deadLetterQueue.grantSendMessages(forwarder);
    forwarder.addEventSource(
      new SqsEventSource(queue, {
        batchSize: QUEUE_SETTINGS.batchSize,
        maxBatchingWindow: Duration.seconds(QUEUE_SETTINGS.batchingWindowSeconds),
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency ?? 5,
      }),
    );

    // Every path goes to the intake function, so unknown routes and methods get the contract's JSON 404/405.
    const api = new HttpApi(this, 'Api', {
      description: `MoEngage → PostHog forwarder (${props.stage})`,
      defaultIntegration: new HttpLambdaIntegration('IntakeIntegration', intake),
    });

    new CfnOutput(this, 'ConnectorUrl', { value: `${api.apiEndpoint}/v1/connector` });
    new CfnOutput(this, 'HealthUrl', { value: `${api.apiEndpoint}/v1/health` });
    new CfnOutput(this, 'PostHogApiKeySecretName', { value: posthogApiKey.secretName });
    new CfnOutput(this, 'WebhookTokensSecretName', { value: webhookTokens.secretName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: deadLetterQueue.queueUrl });
  }
}
