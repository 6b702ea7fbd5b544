import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CohortSync } from '../../infra/cohort-sync.ts';

describe('CohortSync construct', () => {
  const app = new App();
  const stack = new Stack(app, 'CohortSyncTest');
  const cohortSync = new CohortSync(stack, 'CohortSync', {
    stage: 'test',
    posthogAppHost: 'eu',
    syncs: [{ posthogProjectId: 12345, cohortId: 42, moengageCohortName: 'Power users', mode: 'dynamic' }],
  });
  const template = Template.fromStack(stack);

  it('runs the cohort-sync function every 15 minutes, without async retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: Match.anyValue(), RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    template.resourceCountIs('AWS::Lambda::Permission', 1);
  });

  it('configures one run at a time, shorter than the schedule, with the secret, bucket and syncs by reference', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Timeout: 14 * 60,
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: Match.objectLike({
          POSTHOG_APP_HOST: 'eu',
          COHORT_SYNC_SECRET: Match.anyValue(),
          COHORT_SYNC_STATE_BUCKET: Match.anyValue(),
          COHORT_SYNCS: '[{"posthogProjectId":"12345","cohortId":"42","moengageCohortName":"Power users","mode":"dynamic"}]',
        }),
      },
    });
  });

  it('keeps the credentials in one JSON secret and the state in a private, encrypted, versioned bucket', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({
        GenerateStringKey: 'moengageApiKey',
        SecretStringTemplate: Match.stringLikeRegexp('posthogPersonalApiKey'),
      }),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });

  it('alarms when a run fails', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Period: 900,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(cohortSync.failureAlarm).toBeDefined();
  });

  it('grants the function read on the secret and read/put on the state bucket only', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const actions = Object.values(policies).flatMap((p) =>
      (
        p as { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[] }> } } }
      ).Properties.PolicyDocument.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])),
    );
    expect(actions).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue', 's3:GetObject', 's3:PutObject', 's3:ListBucket']));
    expect(actions.filter((a) => a.startsWith('s3:')).sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['s3:GetObject', 's3:PutObject'],
            Resource: { 'Fn::Join': ['', [Match.anyValue(), '/cohort-sync/*']] },
          }),
        ]),
      },
    });
  });

  it('passes cdk-nag AwsSolutions checks, each remaining finding acknowledged with a reason', () => {
    const nagApp = new App();
    new CohortSync(new Stack(nagApp, 'Nag'), 'CohortSync', { stage: 'test', posthogAppHost: 'us' });
    Validations.of(nagApp).addPlugins(new AwsSolutionsChecks(nagApp));
    expect(() => nagApp.synth()).not.toThrow();
  });

  it('refuses an ingestion host and invalid syncs at synth time', () => {
    const other = new Stack(new App(), 'Bad');
    expect(() => new CohortSync(other, 'A', { stage: 't', posthogAppHost: 'https://eu.i.posthog.com' })).toThrow(/ingestion host/);
    expect(
      () =>
        new CohortSync(other, 'B', {
          stage: 't',
          posthogAppHost: 'us',
          syncs: [{ posthogProjectId: 1, cohortId: 2, moengageCohortName: 'a|b', mode: 'once' }],
        }),
    ).toThrow(/CohortSync syncs: 0\.moengageCohortName must not contain/);
  });
});
