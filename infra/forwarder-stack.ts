import { Aws, CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { QUEUE_SETTINGS } from '../shared/queue/settings.ts';
import { CohortSync } from './cohort-sync.ts';
import { metricsNamespace, type StackConfig } from './config.ts';
import { ServiceFunction } from './function-defaults.ts';
import { Monitoring } from './monitoring.ts';
import { OutageProber } from './outage-prober.ts';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';

export interface ForwarderStackProps extends StackProps {
  config: StackConfig;
}

/** Sizing, justified in docs/deploy.md ("Sizing"). */
export const SIZING = {
  intake: { memoryMb: 512, timeoutSeconds: 6, posthogTimeoutMs: 4_000 },
  forwarder: { memoryMb: 512, timeoutSeconds: QUEUE_SETTINGS.forwarderTimeoutSeconds, posthogTimeoutMs: 10_000 },
} as const;

/**
 * The PostHog key secret's initial value: not a secret, and longer than 64 characters, so PostHog answers 401 to it
 * (reference: capture rejects keys of the wrong shape) instead of accepting and dropping events sent before the real
 * key is set. Events then wait in the queue and the PostHogUnauthorized alarm fires. Never change this text: a
 * changed value would be written over the real key on the next deploy.
 */
export const POSTHOG_KEY_PLACEHOLDER = 'placeholder-not-a-key-set-this-secret-to-the-PostHog-project-API-key-phc-see-docs-deploy-md';

/** Where the stage's secrets live; stage-scoped so stages deploy side by side. */
export const secretNames = (stage: string) => ({
  posthogApiKey: `moengage-posthog-forwarder/${stage}/posthog-api-key`,
  webhookTokens: `moengage-posthog-forwarder/${stage}/webhook-tokens`,
});

/** HTTP API → intake → SQS (+ DLQ) → forwarder → PostHog, with alarms and a dashboard. */
export class ForwarderStack extends Stack {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, props);
    const { config } = props;
    const retention = Duration.days(QUEUE_SETTINGS.retentionDays);
    const namespace = metricsNamespace(config.stage);

    const deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      retentionPeriod: retention,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const queue = new Queue(this, 'EventQueue', {
      retentionPeriod: retention,
      visibilityTimeout: Duration.seconds(QUEUE_SETTINGS.visibilityTimeoutSeconds),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: config.maxReceiveCount },
    });

    const names = secretNames(config.stage);
    const posthogApiKey = new Secret(this, 'PostHogApiKey', {
      secretName: names.posthogApiKey,
      description: `PostHog project API key (phc_…) for moengage-posthog-forwarder ${config.stage}: replace the placeholder after deploying`,
      secretStringValue: SecretValue.unsafePlainText(POSTHOG_KEY_PLACEHOLDER),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const webhookTokens = new Secret(this, 'WebhookTokens', {
      secretName: names.webhookTokens,
      description: `Token(s) MoEngage must send (Bearer or Basic password) for ${config.stage}: one token or a JSON list of tokens during a rotation`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const secret of [posthogApiKey, webhookTokens]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'No rotation Lambda can rotate these: a PostHog project key is created in the PostHog UI and the webhook token must also be changed in MoEngage by hand. The manual, zero-downtime rotation (a JSON list of old and new tokens) is documented in docs/deploy.md.',
      });
    }

    const logRetention = config.logRetentionDays;
    const observability = { tracing: config.tracing, logLevel: config.logLevel };
    const intake = new ServiceFunction(this, 'Intake', {
      name: 'intake',
      description: `MoEngage webhook intake (${config.stage}): authenticate, validate, map, enqueue`,
      memorySize: SIZING.intake.memoryMb,
      timeout: Duration.seconds(SIZING.intake.timeoutSeconds),
      metricsNamespace: namespace,
      logRetention,
      observability,
      environment: {
        POSTHOG_HOST: config.posthogHost,
        POSTHOG_API_KEY_SECRET: posthogApiKey.secretArn,
        WEBHOOK_TOKENS_SECRET: webhookTokens.secretArn,
        QUEUE_URL: queue.queueUrl,
        POSTHOG_TIMEOUT_MS: String(SIZING.intake.posthogTimeoutMs),
      },
    });
    // The intake reads both secrets (the key for ?verify=1) and may only send to the main queue.
    posthogApiKey.grantRead(intake.role);
    webhookTokens.grantRead(intake.role);
    queue.grantSendMessages(intake.role);

    // The forwarder and the outage prober deliver alike: the same PostHog, key, queues and timings.
    const deliveryEnvironment = {
      POSTHOG_HOST: config.posthogHost,
      POSTHOG_API_KEY_SECRET: posthogApiKey.secretArn,
      QUEUE_URL: queue.queueUrl,
      DLQ_URL: deadLetterQueue.queueUrl,
      POSTHOG_TIMEOUT_MS: String(SIZING.forwarder.posthogTimeoutMs),
      RETRY_BASE_SECONDS: String(config.retryBaseSeconds),
      RETRY_MAX_SECONDS: String(config.retryMaxSeconds),
      OUTAGE_PROBE_SECONDS: String(config.outageProbeSeconds),
      MAX_RECEIVE_COUNT: String(config.maxReceiveCount),
    };
    const forwarder = new ServiceFunction(this, 'Forwarder', {
      name: 'forwarder',
      description: `Delivers queued events to PostHog (${config.stage}) with partial batch failures`,
      memorySize: SIZING.forwarder.memoryMb,
      timeout: Duration.seconds(SIZING.forwarder.timeoutSeconds),
      metricsNamespace: namespace,
      logRetention,
      observability,
      environment: deliveryEnvironment,
    });
    // The forwarder reads the PostHog key, consumes the main queue (receive, delete, change visibility; granted by
    // the event source) and sends permanent failures to the DLQ.
    posthogApiKey.grantRead(forwarder.role);
    deadLetterQueue.grantSendMessages(forwarder.role);
    // The circuit breaker: its state is a tag of the main queue, and a systemically failed record is re-queued.
    queue.grantSendMessages(forwarder.role);
    forwarder.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:ListQueueTags', 'sqs:TagQueue'], resources: [queue.queueArn] }),
    );
    const eventSource = new SqsEventSource(queue, {
      batchSize: QUEUE_SETTINGS.batchSize,
      maxBatchingWindow: Duration.seconds(QUEUE_SETTINGS.batchingWindowSeconds),
      reportBatchItemFailures: true,
      maxConcurrency: config.maxConcurrency,
    });
    forwarder.function.addEventSource(eventSource);

    // Every route goes to the intake function (the $default route), so POST /v1/connector, POST /v1/streams and
    // GET /v1/health work and any other path or method gets the contract's JSON 404/405 from the function.
    this.api = new HttpApi(this, 'Api', {
      apiName: `moengage-posthog-forwarder-${config.stage}`,
      description: `MoEngage → PostHog forwarder (${config.stage})`,
      defaultIntegration: new HttpLambdaIntegration('IntakeIntegration', intake.function),
      createDefaultStage: false,
    });
    // The access log (`-c apiAccessLog=true`) repeats what the intake's metrics and WARN/ERROR lines already say,
    // at one line per request: off by default (docs/deploy.md, "Logs and tracing").
    const accessLogs = config.apiAccessLog
      ? new LogGroup(this, 'ApiAccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY })
      : undefined;
    const stage = new HttpStage(this, 'ApiStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.throttlingRateLimit, burstLimit: config.throttlingBurstLimit },
      ...(accessLogs && { accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT } }),
    });
    if (!accessLogs) {
      Validations.of(stage).acknowledge({
        id: 'AwsSolutions-APIG1',
        reason:
          'The access log is a setting (-c apiAccessLog=true), off by default for cost: every rejected request is logged by the intake function with its reason (WARN), every 5xx at ERROR, and the Received/Queued/Rejected metrics and API Gateway metrics count the rest.',
      });
    }
    const defaultRoute = this.api.node.findChild('DefaultRoute');
    Validations.of(defaultRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'MoEngage can only send a static header (no SigV4, no JWT issuer), so the intake function authenticates the shared token itself (Bearer or Basic, constant-time, several tokens for rotation); GET /v1/health is public by contract.',
    });

    const monitoring = new Monitoring(this, 'Monitoring', {
      stage: config.stage,
      posthogHost: config.posthogHost,
      namespace,
      alarmEmail: config.alarmEmail,
      queue,
      deadLetterQueue,
      apiStage: stage,
      intake: intake.function,
      forwarder: forwarder.function,
    });

    const prober = new OutageProber(this, 'OutageProber', {
      stage: config.stage,
      metricsNamespace: namespace,
      logRetention,
      observability,
      environment: deliveryEnvironment,
      queue,
      deadLetterQueue,
      posthogApiKey,
      eventSourceMappingId: eventSource.eventSourceMappingId,
      probeSeconds: config.outageProbeSeconds,
      alarmTopic: monitoring.topic,
    });
    monitoring.alarms.push(...prober.alarms);

    if (config.cohortSync) {
      new CohortSync(this, 'CohortSync', {
        stage: config.stage,
        posthogAppHost: config.posthogHost,
        metricsNamespace: namespace,
        logRetention,
        observability,
      });
    }

    const url = this.api.apiEndpoint;
    new CfnOutput(this, 'ApiUrl', { value: url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'ConnectorUrl', { value: `${url}/v1/connector`, description: 'MoEngage connector campaigns: POST here' });
    new CfnOutput(this, 'StreamsUrl', { value: `${url}/v1/streams`, description: 'MoEngage Streams: POST here' });
    new CfnOutput(this, 'HealthUrl', { value: `${url}/v1/health`, description: 'GET: 200 {"status":"ok"}, no auth' });
    new CfnOutput(this, 'PostHogApiKeySecretName', {
      value: names.posthogApiKey,
      description: 'Put the PostHog project key (phc_…) here',
    });
    new CfnOutput(this, 'WebhookTokensSecretName', { value: names.webhookTokens, description: 'The token(s) MoEngage sends' });
    new CfnOutput(this, 'QueueUrl', { value: queue.queueUrl });
    new CfnOutput(this, 'QueueArn', { value: queue.queueArn, description: 'Destination when redriving the DLQ' });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: deadLetterQueue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueArn', { value: deadLetterQueue.queueArn, description: 'Source when redriving the DLQ' });
    new CfnOutput(this, 'DashboardUrl', { value: monitoring.dashboardUrl, description: 'CloudWatch dashboard' });
    new CfnOutput(this, 'AlarmTopicArn', { value: monitoring.topic.topicArn, description: 'SNS topic every alarm notifies' });
    new CfnOutput(this, 'MetricsNamespace', { value: namespace, description: 'CloudWatch namespace of the Powertools metrics' });
    new CfnOutput(this, 'Region', { value: Aws.REGION });
  }
}

/** One JSON object per request; no headers or query strings, so no token can reach the access log. */
export const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    httpMethod: '$context.httpMethod',
    path: '$context.path',
    routeKey: '$context.routeKey',
    protocol: '$context.protocol',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    errorMessage: '$context.error.message',
  }),
);
