import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { AwsSolutionsChecks } from 'cdk-nag';
import { REJECTED_AFTER_AUTH } from '#shared/intake/dependencies';
import { buildStack, logicalId } from './stack-fixture.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

const operations = readFileSync(join(import.meta.dirname, '../../docs/operations.md'), 'utf8');
const CHAT = {
  slackWorkspaceId: 'T0123456789',
  slackChannelId: 'C0123456789',
  teamsTeamId: '9d6e4a1c-0000-4000-8000-000000000001',
  teamsChannelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
  teamsTenantId: '9d6e4a1c-0000-4000-8000-000000000002',
};

/** Every option that adds an alarm or a destination, and non-default thresholds. */
const { app, stack } = buildStack({
  cohortSync: 'true',
  alarmEmail: 'ops@example.com',
  rejectedAlarmThreshold: '25',
  latencyAlarmMs: '4000',
  throttlingRateLimit: '500',
  ...CHAT,
});
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Resource>;
const alarms = stack.node.findAll().filter((c): c is Alarm => c instanceof Alarm);
const alarm = (id: string) => {
  const found = alarms.find((a) => a.node.id === id);
  if (!found) throw new Error(`no alarm ${id}`);
  return resources[logicalId(found)]?.Properties ?? {};
};
const topic = logicalId(stack.node.findChild('Monitoring').node.findChild('AlarmTopic'));

describe('alarms', () => {
  it('each have a runbook entry in docs/operations.md, and each entry is a deployed alarm', () => {
    const start = operations.indexOf('\n## Alarms\n');
    const end = operations.indexOf('\n## ', start + 1);
    const section = operations.slice(start, end === -1 ? undefined : end);
    const documented = [...section.matchAll(/^### `(\w+)`/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(alarms.map((a) => a.node.id).sort());
    expect(alarms.length).toBe(13);
  });

  it.each(alarms.map((a) => a.node.id))('%s notifies the alarm topic on alarm and on recovery, and says what to do', (id) => {
    expect(alarm(id)).toMatchObject({ AlarmActions: [{ Ref: topic }], OKActions: [{ Ref: topic }], TreatMissingData: 'notBreaching' });
    expect(alarm(id).AlarmDescription).toMatch(/moengage-posthog-forwarder prod; runbook: docs\/operations\.md/);
  });

  it('RejectedRequests: refusals of requests with a valid token, at the rejectedAlarmThreshold', () => {
    expect(alarm('RejectedRequests')).toMatchObject({
      MetricName: REJECTED_AFTER_AUTH,
      Dimensions: [{ Name: 'service', Value: 'intake' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 25,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('IntakeSlow: the HTTP API p99 above latencyAlarmMs for two 5-minute periods', () => {
    expect(alarm('IntakeSlow')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: 4000,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it.each([
    ['IntakeThrottled', 'Intake'],
    ['ForwarderThrottled', 'Forwarder'],
  ])('%s: any Lambda throttle of that function', (id, fn) => {
    expect(alarm(id)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.node.findChild(fn).node.findChild('Function')) } }],
      Threshold: 1,
    });
  });

  it('ApiNearThrottle: requests per second over a minute at 80 % of throttlingRateLimit', () => {
    const props = alarm('ApiNearThrottle');
    expect(props).toMatchObject({ Threshold: 400, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(props.Metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Expression: 'requests / 60', ReturnData: true }),
        expect.objectContaining({
          Id: 'requests',
          MetricStat: expect.objectContaining({ Metric: expect.objectContaining({ MetricName: 'Count' }), Period: 60, Stat: 'Sum' }),
        }),
      ]),
    );
  });

  it('the cohort sync failure alarm notifies the same topic (it notified nobody before)', () => {
    expect(alarm('FailureAlarm')).toMatchObject({ MetricName: 'Errors', AlarmActions: [{ Ref: topic }] });
  });
});

describe('alarm delivery to Slack and Microsoft Teams (AWS Chatbot)', () => {
  it('is off by default', () => {
    const plain = Template.fromStack(buildStack().stack);
    plain.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    plain.resourceCountIs('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', 0);
  });

  const guardrail = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/CloudWatchReadOnlyAccess']] };

  it('subscribes the Slack channel the settings name to the alarm topic, read-only', () => {
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      ConfigurationName: 'moengage-posthog-forwarder-prod',
      SlackWorkspaceId: CHAT.slackWorkspaceId,
      SlackChannelId: CHAT.slackChannelId,
      SnsTopicArns: [{ Ref: topic }],
      GuardrailPolicies: [guardrail],
    });
  });

  it('subscribes the Teams channel the settings name to the alarm topic, with a role that may do nothing', () => {
    const teams = Object.values(template.findResources('AWS::Chatbot::MicrosoftTeamsChannelConfiguration'))[0] as Resource;
    expect(teams.Properties).toMatchObject({
      TeamId: CHAT.teamsTeamId,
      TeamsChannelId: CHAT.teamsChannelId,
      TeamsTenantId: CHAT.teamsTenantId,
      SnsTopicArns: [{ Ref: topic }],
      GuardrailPolicies: [guardrail],
    });
    const roleId = (teams.Properties.IamRoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(resources[roleId]?.Properties).toMatchObject({
      AssumeRolePolicyDocument: { Statement: [expect.objectContaining({ Principal: { Service: 'chatbot.amazonaws.com' } })] },
    });
    expect(resources[roleId]?.Properties.ManagedPolicyArns).toBeUndefined();
    const policies = Object.values(resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleId),
    );
    expect(policies).toEqual([]);
  });

  it('passes cdk-nag with every destination on (the chat roles have no permission to flag)', () => {
    expect(() => app.synth()).not.toThrow();
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });
});
