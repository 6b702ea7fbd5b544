import { Aws, CfnOutput } from 'aws-cdk-lib';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { EventQueues } from './storage.ts';
import { secretNames } from './storage.ts';

export interface StackOutputsProps extends EventQueues {
  stage: string;
  /** Base URL of the front (the HTTP API's endpoint or the intake's function URL), without a trailing slash. */
  url: string;
  dashboardUrl: string;
  alarmTopicArn: string;
  metricsNamespace: string;
  intakeLogs: ILogGroup;
  forwarderLogs: ILogGroup;
}

/** The stack's outputs: where MoEngage sends, which secrets to set, the queues for a redrive, the dashboard. */
export function addStackOutputs(scope: Construct, props: StackOutputsProps): void {
  const { url, queue, deadLetterQueue } = props;
  const names = secretNames(props.stage);
  new CfnOutput(scope, 'ApiUrl', { value: url, description: 'Base URL of the front (HTTP API or function URL)' });
  new CfnOutput(scope, 'ConnectorUrl', { value: `${url}/v1/connector`, description: 'MoEngage connector campaigns: POST here' });
  new CfnOutput(scope, 'StreamsUrl', { value: `${url}/v1/streams`, description: 'MoEngage Streams: POST here' });
  new CfnOutput(scope, 'HealthUrl', { value: `${url}/v1/health`, description: 'GET: 200 {"status":"ok"}, no auth' });
  new CfnOutput(scope, 'PostHogApiKeySecretName', { value: names.posthogApiKey, description: 'Put the PostHog project key (phc_…) here' });
  new CfnOutput(scope, 'WebhookTokensSecretName', { value: names.webhookTokens, description: 'The token(s) MoEngage sends' });
  new CfnOutput(scope, 'QueueUrl', { value: queue.queueUrl });
  new CfnOutput(scope, 'QueueArn', { value: queue.queueArn, description: 'Destination when redriving the DLQ' });
  new CfnOutput(scope, 'DeadLetterQueueUrl', { value: deadLetterQueue.queueUrl });
  new CfnOutput(scope, 'DeadLetterQueueArn', { value: deadLetterQueue.queueArn, description: 'Source when redriving the DLQ' });
  new CfnOutput(scope, 'DashboardUrl', { value: props.dashboardUrl, description: 'CloudWatch dashboard' });
  new CfnOutput(scope, 'AlarmTopicArn', { value: props.alarmTopicArn, description: 'SNS topic every alarm notifies' });
  new CfnOutput(scope, 'MetricsNamespace', {
    value: props.metricsNamespace,
    description: 'CloudWatch namespace of the Powertools metrics',
  });
  // `npx moengage-posthog trace` searches these two (cli/trace-logs.ts, TRACE_LOG_OUTPUTS).
  new CfnOutput(scope, 'IntakeLogGroupName', { value: props.intakeLogs.logGroupName, description: 'The intake function logs' });
  new CfnOutput(scope, 'ForwarderLogGroupName', { value: props.forwarderLogs.logGroupName, description: 'The forwarder function logs' });
  new CfnOutput(scope, 'Region', { value: Aws.REGION });
}
