import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { resolveStackConfig } from '../../infra/config.ts';
import { SIZING } from '../../infra/pipeline-functions.ts';
import { POSTHOG_KEY_PLACEHOLDER, secretNames } from '../../infra/storage.ts';
import { QUEUE_SETTINGS } from '../../shared/queue/settings.ts';
import { httpApiEvent } from '../support/events.ts';
import { buildStack, logicalId, SECRETS_EXTENSION_ENV } from './stack-fixture.ts';

const run = promisify(execFile);

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
type Statement = { Action: string | string[]; Effect: string; Resource: unknown };

const NAMESPACE = 'MoEngagePostHogForwarder/prod';

describe('ForwarderStack (defaults)', () => {
  // The one stack of this suite that is bundled with esbuild, to check the bundles themselves.
  const { app, stack } = buildStack({}, { bundle: true });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const ids = {
    intake: logicalId(stack.node.findChild('Intake').node.findChild('Function')),
    forwarder: logicalId(stack.node.findChild('Forwarder').node.findChild('Function')),
    intakeRole: logicalId(stack.node.findChild('Intake').node.findChild('Role')),
    forwarderRole: logicalId(stack.node.findChild('Forwarder').node.findChild('Role')),
    intakeLogs: logicalId(stack.node.findChild('Intake').node.findChild('Logs')),
    forwarderLogs: logicalId(stack.node.findChild('Forwarder').node.findChild('Logs')),
    queue: logicalId(stack.node.findChild('EventQueue')),
    dlq: logicalId(stack.node.findChild('DeadLetterQueue')),
    posthogKey: logicalId(stack.node.findChild('PostHogApiKey')),
    webhookTokens: logicalId(stack.node.findChild('WebhookTokens')),
    topic: logicalId(stack.node.findChild('Monitoring').node.findChild('AlarmTopic')),
  };
  const fn = (id: string) => resources[id]?.Properties as Record<string, unknown>;
  const env = (id: string) => (fn(id).Environment as { Variables: Record<string, unknown> }).Variables;

  describe('HTTP API', () => {
    it('sends every route to the intake function through one $default route (the function answers JSON 404/405)', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
      template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
      template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [ids.intake, 'Arn'] },
      });
    });

    it('throttles the stage (2,000 requests/s, burst 4,000 by default) and auto-deploys it', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 2000, ThrottlingBurstLimit: 4000 },
      });
    });

    it('writes no access log unless -c apiAccessLog=true (test/infra/observability.test.ts)', () => {
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as Resource;
      expect(stage.Properties.AccessLogSettings).toBeUndefined();
      expect(stack.node.tryFindChild('ApiAccessLogs')).toBeUndefined();
    });
  });

  describe('functions', () => {
    it('run Node.js 24 on arm64, untraced, with JSON logs (application INFO, platform WARN) in their own log group (30 days)', () => {
      for (const [id, logs] of [
        [ids.intake, ids.intakeLogs],
        [ids.forwarder, ids.forwarderLogs],
      ] as const) {
        expect(fn(id)).toMatchObject({
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN', LogGroup: { Ref: logs } },
        });
        expect(fn(id).TracingConfig).toBeUndefined();
        expect(resources[logs]?.Properties).toMatchObject({ RetentionInDays: 30 });
      }
      // intake, forwarder and the outage prober
      template.resourceCountIs('AWS::Lambda::Function', 3);
    });

    it('are sized as docs/deploy.md justifies', () => {
      expect(fn(ids.intake)).toMatchObject({ MemorySize: SIZING.intake.memoryMb, Timeout: SIZING.intake.timeoutSeconds });
      expect(fn(ids.forwarder)).toMatchObject({ MemorySize: SIZING.forwarder.memoryMb, Timeout: SIZING.forwarder.timeoutSeconds });
      // MoEngage waits 5 s for a connector answer; ?verify=1 must give up on PostHog before the intake times out.
      expect(SIZING.intake.posthogTimeoutMs).toBeLessThan(SIZING.intake.timeoutSeconds * 1000);
      // Three attempts at the longest posthogTimeoutMs the stack accepts, plus backoff, fit in the forwarder timeout.
      expect(() => resolveStackConfig((key) => ({ posthogHost: 'eu', posthogTimeoutMs: '15001' })[key])).toThrow(/posthogTimeoutMs/);
      expect(3 * 15_000 + 5_000).toBeLessThan(SIZING.forwarder.timeoutSeconds * 1000);
    });

    it('carry the Powertools service name and the stage metrics namespace', () => {
      expect(env(ids.intake)).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'intake', POWERTOOLS_METRICS_NAMESPACE: NAMESPACE });
      expect(env(ids.forwarder)).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'forwarder', POWERTOOLS_METRICS_NAMESPACE: NAMESPACE });
    });

    it('get the configuration shared/platform/config.ts reads, with secrets by reference only', () => {
      expect(env(ids.intake)).toEqual({
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'intake',
        POWERTOOLS_METRICS_NAMESPACE: NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POSTHOG_HOST: 'eu',
        POSTHOG_API_KEY_SECRET: { Ref: ids.posthogKey },
        WEBHOOK_TOKENS_SECRET: { Ref: ids.webhookTokens },
        QUEUE_URL: { Ref: ids.queue },
        POSTHOG_TIMEOUT_MS: String(SIZING.intake.posthogTimeoutMs),
        MAX_BODY_BYTES: '1048576',
        STRICT_MODE: 'false',
        SECRETS_MAX_AGE_SECONDS: '60',
        ...SECRETS_EXTENSION_ENV,
        STREAMS_EVENT_NAME: 'event_name',
        STREAMS_INCLUDE_CHANNEL_ADDRESSES: 'false',
        STREAMS_USER_ATTRIBUTES: 'set_once',
        STREAMS_MOENGAGE_USER_ID_PERSONS: 'false',
      });
      expect(env(ids.forwarder)).toEqual({
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'forwarder',
        POWERTOOLS_METRICS_NAMESPACE: NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POSTHOG_HOST: 'eu',
        POSTHOG_API_KEY_SECRET: { Ref: ids.posthogKey },
        QUEUE_URL: { Ref: ids.queue },
        DLQ_URL: { Ref: ids.dlq },
        POSTHOG_TIMEOUT_MS: '10000',
        SECRETS_MAX_AGE_SECONDS: '60',
        RETRY_BASE_SECONDS: '60',
        RETRY_MAX_SECONDS: '900',
        OUTAGE_PROBE_SECONDS: '60',
        MAX_RECEIVE_COUNT: '8',
        ...SECRETS_EXTENSION_ENV,
      });
    });

    it('are bundled by esbuild into one minified CommonJS file each, with a source map without the sources', () => {
      const outdir = app.synth().directory;
      const bundles = [ids.intake, ids.forwarder].map((id) => {
        const key = (fn(id).Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
        const dir = join(outdir, `asset.${key}`);
        expect(readdirSync(dir).sort()).toEqual(['index.js', 'index.js.map']);
        expect(JSON.parse(readFileSync(join(dir, 'index.js.map'), 'utf8'))).not.toHaveProperty('sourcesContent');
        return readFileSync(join(dir, 'index.js'), 'utf8');
      });
      for (const code of bundles) {
        // Minified: thousands of characters per line (new lines survive only inside template literals).
        expect(code.length / code.split('\n').length).toBeGreaterThan(1_000);
        expect(code).toContain('//# sourceMappingURL=index.js.map');
        // CommonJS: no ES module import of node:http, which costs a cold start Node's internal undici (nodejs/node#57649).
        expect(code).not.toMatch(/^import /m);
        expect(code).toMatch(/require\("(node:)?https?"\)/);
        // The SDK's default credential chain is swapped for the environment provider (LAMBDA_ALIASES): no SSO or
        // web-identity client in the bundle.
        expect(code).not.toContain('AssumeRoleWithWebIdentity');
        expect(code).not.toContain('sso-oidc');
      }
      expect(bundles[0]).not.toEqual(bundles[1]);
      for (const id of [ids.intake, ids.forwarder]) expect(fn(id).Handler).toBe('index.handler');
    });
    it('load and answer in Node with the environment the stack sets (health check; empty SQS batch), calling no AWS API', async () => {
      const outdir = app.synth().directory;
      /** Template values that are CloudFormation references get realistic stand-ins. */
      const FAKES: Record<string, string> = {
        POSTHOG_API_KEY_SECRET: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:posthog-api-key-AbCdEf',
        WEBHOOK_TOKENS_SECRET: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-tokens-AbCdEf',
        QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/events',
        DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dead-letters',
      };
      const invoke = async (id: string, event: unknown): Promise<unknown> => {
        const key = (fn(id).Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
        const variables = Object.fromEntries(
          Object.entries(env(id)).map(([name, value]) => [name, typeof value === 'string' ? value : FAKES[name]]),
        );
        const script = [
          "import { pathToFileURL } from 'node:url';",
          'const { handler } = await import(pathToFileURL(process.argv[1]).href);',
          'const result = await handler(JSON.parse(process.argv[2]), { getRemainingTimeInMillis: () => 60000 });',
          'process.stdout.write(JSON.stringify(result));',
        ].join('\n');
        const { stdout } = await run(
          process.execPath,
          ['--input-type=module', '-e', script, join(outdir, `asset.${key}`, 'index.js'), JSON.stringify(event)],
          {
            env: {
              PATH: process.env.PATH,
              AWS_REGION: 'eu-west-1',
              POWERTOOLS_METRICS_DISABLED: 'true',
              ...variables,
              POWERTOOLS_LOG_LEVEL: 'SILENT',
            },
            timeout: 20_000,
          },
        );
        return JSON.parse(stdout);
      };
      const health = (await invoke(ids.intake, httpApiEvent({ method: 'GET', path: '/v1/health' }))) as {
        statusCode: number;
        body: string;
      };
      expect(health.statusCode).toBe(200);
      expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
      const unknown = (await invoke(ids.intake, httpApiEvent({ method: 'GET', path: '/v2/nothing' }))) as { statusCode: number };
      expect(unknown.statusCode).toBe(404);
      expect(await invoke(ids.forwarder, { Records: [] })).toEqual({ batchItemFailures: [] });
    });
  });

  describe('queues', () => {
    const queue = () => resources[ids.queue]?.Properties as Record<string, unknown>;
    const dlq = () => resources[ids.dlq]?.Properties as Record<string, unknown>;

    it('encrypt with SQS-managed keys and keep messages 14 days', () => {
      for (const properties of [queue(), dlq()]) {
        expect(properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
      }
      template.resourceCountIs('AWS::SQS::Queue', 2);
    });

    it('refuse requests without TLS', () => {
      for (const id of [ids.queue, ids.dlq]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });

    it('redrive to the DLQ after 8 receives', () => {
      expect(queue().RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] }, maxReceiveCount: 8 });
      expect(dlq().RedrivePolicy).toBeUndefined();
    });

    it('hide a received message for at least six times the forwarder timeout', () => {
      const timeout = fn(ids.forwarder).Timeout as number;
      expect(queue().VisibilityTimeout).toBe(QUEUE_SETTINGS.visibilityTimeoutSeconds);
      expect(queue().VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * timeout);
    });

    it('feed the forwarder batches of 1,000 within 5 s, with partial batch failures and at most 5 concurrent invocations', () => {
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
        FunctionName: { Ref: ids.forwarder },
        BatchSize: 1000,
        MaximumBatchingWindowInSeconds: 5,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 5 },
      });
      // What the bench's scale and cost models read (bench/scale.ts readStackSizing) is what is deployed.
      expect(SIZING.forwarder).toMatchObject({ batchSize: 1000, batchingWindowSeconds: 5 });
    });
  });

  describe('IAM', () => {
    const statementsOf = (roleId: string): Statement[] => {
      const policies = Object.values(resources).filter(
        (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
      );
      return policies.flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    };
    /**
     * Each resource with every action the role may take on it ("actions → resource", resources by logical id), however
     * the statements are grouped (cdk.json's @aws-cdk/aws-iam:minimizePolicies merges them).
     */
    const grants = (roleId: string): string[] => {
      const byResource = new Map<string, Set<string>>();
      for (const s of statementsOf(roleId)) {
        for (const resource of [s.Resource].flat()) {
          const target = JSON.stringify(resource).replace(/^\{"(?:Ref|Fn::GetAtt)":\[?"([A-Za-z0-9]+)"(?:,"Arn"\])?\}$/, '$1');
          const actions = byResource.get(target) ?? new Set<string>();
          for (const action of [s.Action].flat()) actions.add(action);
          byResource.set(target, actions);
        }
      }
      return [...byResource].map(([target, actions]) => `${[...actions].sort().join(',')} → ${target}`).sort();
    };

    it('gives each function a role of its own with no managed policies', () => {
      for (const id of [ids.intake, ids.forwarder]) expect(fn(id).Role).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Role/), 'Arn'] });
      expect(fn(ids.intake).Role).not.toEqual(fn(ids.forwarder).Role);
      for (const role of [ids.intakeRole, ids.forwarderRole]) {
        expect(resources[role]?.Properties.ManagedPolicyArns).toBeUndefined();
        expect(resources[role]?.Properties.Policies).toBeUndefined();
      }
    });

    it('lets the intake write its logs, read both secrets and send to the main queue, nothing else', () => {
      expect(grants(ids.intakeRole)).toEqual(
        [
          `logs:CreateLogStream,logs:PutLogEvents → ${ids.intakeLogs}`,
          `secretsmanager:DescribeSecret,secretsmanager:GetSecretValue → ${ids.posthogKey}`,
          `secretsmanager:DescribeSecret,secretsmanager:GetSecretValue → ${ids.webhookTokens}`,
          `sqs:GetQueueAttributes,sqs:GetQueueUrl,sqs:SendMessage → ${ids.queue}`,
        ].sort(),
      );
    });

    it('lets the forwarder write its logs, read the PostHog key, consume the main queue and send to the DLQ, nothing else', () => {
      expect(grants(ids.forwarderRole)).toEqual(
        [
          `logs:CreateLogStream,logs:PutLogEvents → ${ids.forwarderLogs}`,
          `secretsmanager:DescribeSecret,secretsmanager:GetSecretValue → ${ids.posthogKey}`,
          `sqs:GetQueueAttributes,sqs:GetQueueUrl,sqs:SendMessage → ${ids.dlq}`,
          // Consume (the event source), re-queue a systemically failed record, and read and write the breaker's queue tag.
          `sqs:ChangeMessageVisibility,sqs:DeleteMessage,sqs:GetQueueAttributes,sqs:GetQueueUrl,sqs:ListQueueTags,sqs:ReceiveMessage,sqs:SendMessage,sqs:TagQueue → ${ids.queue}`,
        ].sort(),
      );
    });

    it('uses no wildcard resource (X-Ray, which needs one, is off by default: test/infra/observability.test.ts)', () => {
      const wildcard = [...statementsOf(ids.intakeRole), ...statementsOf(ids.forwarderRole)].filter((s) =>
        JSON.stringify(s.Resource).includes('*'),
      );
      expect(wildcard).toEqual([]);
    });
  });

  describe('secrets', () => {
    it('starts the PostHog key as a placeholder PostHog refuses with 401 (more than 64 characters, no phc_)', () => {
      expect(resources[ids.posthogKey]?.Properties.SecretString).toBe(POSTHOG_KEY_PLACEHOLDER);
      expect(POSTHOG_KEY_PLACEHOLDER.length).toBeGreaterThan(64);
      expect(POSTHOG_KEY_PLACEHOLDER.startsWith('phc_')).toBe(false);
      expect(resources[ids.webhookTokens]?.Properties.GenerateSecretString).toEqual({ PasswordLength: 48, ExcludePunctuation: true });
    });

    it('holds the PostHog key and the webhook tokens under stage-scoped names', () => {
      template.resourceCountIs('AWS::SecretsManager::Secret', 2);
      expect(resources[ids.posthogKey]?.Properties).toMatchObject({ Name: secretNames('prod').posthogApiKey });
      expect(resources[ids.webhookTokens]?.Properties).toMatchObject({ Name: secretNames('prod').webhookTokens });
      expect(secretNames('prod')).toEqual({
        posthogApiKey: 'moengage-posthog-forwarder/prod/posthog-api-key',
        webhookTokens: 'moengage-posthog-forwarder/prod/webhook-tokens',
      });
    });
  });

  describe('alarms', () => {
    const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    const alarmOn = (metricName: string) => alarms().find((a) => a.Properties.MetricName === metricName)?.Properties;

    it('notify one encrypted, TLS-only SNS topic on alarm and on recovery', () => {
      expect(alarms()).toHaveLength(12); // test/infra/alarms.test.ts checks each one
      for (const alarm of alarms()) {
        expect(alarm.Properties).toMatchObject({
          AlarmActions: [{ Ref: ids.topic }],
          OKActions: [{ Ref: ids.topic }],
          TreatMissingData: 'notBreaching',
        });
      }
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
      template.resourceCountIs('AWS::SNS::Subscription', 0);
    });

    it('fire when the DLQ holds one message', () => {
      expect(alarmOn('ApproximateNumberOfMessagesVisible')).toMatchObject({
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.dlq, 'QueueName'] } }],
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('fire when the oldest queued message is older than 15 minutes', () => {
      expect(alarmOn('ApproximateAgeOfOldestMessage')).toMatchObject({
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.queue, 'QueueName'] } }],
        Threshold: 900,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    });

    it('fire on any 5xx from the HTTP API', () => {
      expect(alarmOn('5xx')).toMatchObject({
        Namespace: 'AWS/ApiGateway',
        Dimensions: [
          { Name: 'ApiId', Value: { Ref: logicalId(stack.node.findChild('Api')) } },
          { Name: 'Stage', Value: '$default' },
        ],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('fire on any forwarder error', () => {
      expect(alarmOn('Errors')).toMatchObject({
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.forwarder } }],
        Statistic: 'Sum',
        Threshold: 1,
      });
    });

    it('fire on any PostHog 401, read from the EMF metric with its service dimension', () => {
      // Powertools adds `service` (the service name) to every metric it emits (Metrics.setOptions, defaultDimensions).
      expect(alarmOn('PostHogUnauthorized')).toMatchObject({
        Namespace: NAMESPACE,
        Dimensions: [{ Name: 'service', Value: 'forwarder' }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });
  });

  describe('dashboard', () => {
    const body = () => JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]);

    it('charts received, queued, rejected, delivered, retried, dead-lettered, latency and queue depth', () => {
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      for (const metric of [
        'Received',
        'Queued',
        'Delivered',
        'Retried',
        'DeliveryLatency',
        'PostHogUnauthorized',
        'ApproximateNumberOfMessagesVisible',
        'ApproximateAgeOfOldestMessage',
      ]) {
        expect(body()).toContain(`\\"${metric}\\"`);
      }
      // Rejected{reason} and DeadLettered{reason}: one line per reason, whatever reasons appear.
      expect(body()).toContain(
        `SEARCH('{\\\\\\"${NAMESPACE}\\\\\\",reason,service} MetricName=\\\\\\"Rejected\\\\\\" service=\\\\\\"intake\\\\\\"'`,
      );
      expect(body()).toContain('MetricName=\\\\\\"DeadLettered\\\\\\" service=\\\\\\"forwarder\\\\\\"');
      for (const metric of ['Rejected', 'DeadLettered']) expect(body()).toContain(`${metric}: \${PROP('Dim.reason')}`);
    });
  });

  it('outputs the connector and streams URLs, the secret names, the queue URLs and a dashboard link', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const value = (name: string) => JSON.stringify(outputs[name]?.Value);
    expect(value('ConnectorUrl')).toMatch(/\/v1\/connector"\]\]\}$/);
    expect(value('StreamsUrl')).toMatch(/\/v1\/streams"\]\]\}$/);
    expect(value('HealthUrl')).toMatch(/\/v1\/health"\]\]\}$/);
    expect(outputs.PostHogApiKeySecretName?.Value).toBe(secretNames('prod').posthogApiKey);
    expect(outputs.WebhookTokensSecretName?.Value).toBe(secretNames('prod').webhookTokens);
    expect(outputs.DeadLetterQueueUrl?.Value).toEqual({ Ref: ids.dlq });
    expect(outputs.DeadLetterQueueArn?.Value).toEqual({ 'Fn::GetAtt': [ids.dlq, 'Arn'] });
    expect(outputs.QueueArn?.Value).toEqual({ 'Fn::GetAtt': [ids.queue, 'Arn'] });
    expect(value('DashboardUrl')).toContain('.console.aws.amazon.com/cloudwatch/home?region=');
    expect(value('DashboardUrl')).toContain('#dashboards:name=');
  });
});

describe('ForwarderStack (configured by context)', () => {
  const { stack } = buildStack({
    stage: 'staging',
    posthogHost: 'https://posthog.example.com',
    alarmEmail: 'ops@example.com',
    throttlingRateLimit: '50',
    throttlingBurstLimit: '80',
    maxReceiveCount: '3',
    maxConcurrency: '2',
    logRetentionDays: '7',
  });
  const template = Template.fromStack(stack);

  it('names the stack after the stage', () => {
    expect(stack.stackName).toBe('MoEngagePostHogForwarder-staging');
  });

  it('applies throttling, maxReceiveCount, concurrency, log retention and the PostHog host from context', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 80 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 3 } });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 2 } });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Environment: { Variables: Match.objectLike({ POSTHOG_HOST: 'https://posthog.example.com' }) } },
      3,
    );
  });

  it('subscribes the alarm e-mail to the topic', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});

describe('two stages in one account', () => {
  type Json = { Resources: Record<string, Resource> };
  const prod = Template.fromStack(buildStack({ stage: 'prod' }).stack).toJSON() as Json;
  const staging = Template.fromStack(buildStack({ stage: 'staging' }).stack).toJSON() as Json;
  /** The properties that give a resource its physical name; CloudFormation generates a name when they are absent. */
  const NAME_PROPERTIES: Record<string, string> = {
    'AWS::ApiGatewayV2::Api': 'Name',
    'AWS::CloudWatch::Alarm': 'AlarmName',
    'AWS::CloudWatch::Dashboard': 'DashboardName',
    'AWS::IAM::Role': 'RoleName',
    'AWS::KMS::Key': 'KeyName',
    'AWS::Lambda::Function': 'FunctionName',
    'AWS::Logs::LogGroup': 'LogGroupName',
    'AWS::SecretsManager::Secret': 'Name',
    'AWS::SNS::Topic': 'TopicName',
    'AWS::SQS::Queue': 'QueueName',
  };
  const physicalNames = (t: Json) =>
    Object.values(t.Resources).flatMap((r) => {
      const key = NAME_PROPERTIES[r.Type];
      const value = key === undefined ? undefined : r.Properties?.[key];
      return value === undefined ? [] : [`${r.Type}.${key}=${JSON.stringify(value)}`];
    });

  it('name only stage-scoped resources, so the stacks never collide', () => {
    expect(physicalNames(prod).sort()).toEqual([
      'AWS::ApiGatewayV2::Api.Name="moengage-posthog-forwarder-prod"',
      expect.stringContaining(
        'AWS::CloudWatch::Dashboard.DashboardName={"Fn::Join":["",["moengage-posthog-forwarder-prod-",{"Ref":"AWS::Region"}',
      ),
      'AWS::SecretsManager::Secret.Name="moengage-posthog-forwarder/prod/posthog-api-key"',
      'AWS::SecretsManager::Secret.Name="moengage-posthog-forwarder/prod/webhook-tokens"',
    ]);
    expect(physicalNames(prod).filter((name) => physicalNames(staging).includes(name))).toEqual([]);
  });

  it('publish metrics to a namespace per stage, so alarms never see the other stage', () => {
    expect(JSON.stringify(prod)).toContain('"MoEngagePostHogForwarder/prod"');
    expect(JSON.stringify(staging)).toContain('"MoEngagePostHogForwarder/staging"');
    expect(JSON.stringify(staging)).not.toContain('MoEngagePostHogForwarder/prod');
  });
});

describe('ForwarderStack with -c cohortSync=true', () => {
  it('adds the scheduled cohort sync and still passes the cdk-nag checks', () => {
    const { app, stack } = buildStack({ cohortSync: 'true', stage: 'cohorts' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'cohort-sync' }) },
    });
    expect(() => app.synth()).not.toThrow();
  });

  it('leaves it out by default (the only schedule is then the outage prober, every minute)', () => {
    const { stack } = buildStack({ stage: 'plain' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'cohort-sync' }) } },
      0,
    );
  });
});
