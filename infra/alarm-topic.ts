import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { CfnMicrosoftTeamsChannelConfiguration, LoggingLevel, SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { StackConfig } from './config.ts';

export type AlarmDelivery = Pick<
  StackConfig,
  'stage' | 'alarmEmail' | 'slackWorkspaceId' | 'slackChannelId' | 'teamsTeamId' | 'teamsChannelId' | 'teamsTenantId'
>;

/**
 * The channels only read: a notification needs no permission, and the guardrail caps whatever a channel member could
 * ever ask the channel's role to do at reading CloudWatch.
 */
const GUARDRAIL = 'CloudWatchReadOnlyAccess';

/**
 * The alarm topic: encrypted, TLS only, with the e-mail subscription and the Slack and Microsoft Teams channels
 * (AWS Chatbot, now "Amazon Q Developer in chat applications") the settings name; none of them by default.
 */
export function createAlarmTopic(scope: Construct, delivery: AlarmDelivery): Topic {
  // CloudWatch alarms can publish to an encrypted topic only with a customer managed key whose policy lets
  // CloudWatch use it (the AWS managed aws/sns key cannot be shared).
  const key = new Key(scope, 'AlarmTopicKey', {
    description: `Encrypts the alarm topic of moengage-posthog-forwarder ${delivery.stage}`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
  const topic = new Topic(scope, 'AlarmTopic', {
    displayName: `MoEngage → PostHog forwarder alarms (${delivery.stage})`,
    masterKey: key,
    enforceSSL: true,
  });
  if (delivery.alarmEmail) topic.addSubscription(new EmailSubscription(delivery.alarmEmail));

  const name = `moengage-posthog-forwarder-${delivery.stage}`;
  const guardrail = ManagedPolicy.fromAwsManagedPolicyName(GUARDRAIL);
  if (delivery.slackWorkspaceId && delivery.slackChannelId) {
    new SlackChannelConfiguration(scope, 'SlackAlarms', {
      slackChannelConfigurationName: name,
      slackWorkspaceId: delivery.slackWorkspaceId,
      slackChannelId: delivery.slackChannelId,
      notificationTopics: [topic],
      guardrailPolicies: [guardrail],
      loggingLevel: LoggingLevel.ERROR,
    });
  }
  if (delivery.teamsTeamId && delivery.teamsChannelId && delivery.teamsTenantId) {
    // No L2 construct for Teams yet; the role, like the one SlackChannelConfiguration creates, has no permission.
    const role = new Role(scope, 'TeamsAlarmsRole', { assumedBy: new ServicePrincipal('chatbot.amazonaws.com') });
    new CfnMicrosoftTeamsChannelConfiguration(scope, 'TeamsAlarms', {
      configurationName: name,
      teamId: delivery.teamsTeamId,
      teamsChannelId: delivery.teamsChannelId,
      teamsTenantId: delivery.teamsTenantId,
      iamRoleArn: role.roleArn,
      snsTopicArns: [topic.topicArn],
      guardrailPolicies: [guardrail.managedPolicyArn],
      loggingLevel: 'ERROR',
    });
  }
  return topic;
}
