import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ForwarderStack } from '../../infra/forwarder-stack.ts';

describe('ForwarderStack', () => {
  const app = new App();
  const stack = new ForwarderStack(app, 'Test', { stage: 'test', posthogHost: 'eu' });
  const template = Template.fromStack(stack);

  it('sends every HTTP API route to the intake function', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
  });

  it('runs both functions on Node.js 24, arm64, with the PostHog host and secrets by reference', () => {
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'] }, 2);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POSTHOG_HOST: 'eu',
          POSTHOG_API_KEY_SECRET: Match.anyValue(),
          WEBHOOK_TOKENS_SECRET: Match.anyValue(),
          QUEUE_URL: Match.anyValue(),
        }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 30,
      Environment: { Variables: Match.objectLike({ DLQ_URL: Match.anyValue(), POSTHOG_API_KEY_SECRET: Match.anyValue() }) },
    });
  });

  it('queues on an encrypted queue that redrives to a DLQ after 8 receives, visibility 6× the forwarder timeout', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 180,
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 8 },
    });
    template.resourceCountIs('AWS::SQS::Queue', 2);
  });

  it('feeds the forwarder in batches of 100 within 1 s and reports partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('keeps the PostHog key and the webhook tokens in Secrets Manager', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    for (const name of ['ConnectorUrl', 'PostHogApiKeySecretName', 'WebhookTokensSecretName']) template.hasOutput(name, {});
  });
});
