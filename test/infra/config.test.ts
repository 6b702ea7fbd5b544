import { DEFAULTS, metricsNamespace, resolveStackConfig, StackConfigError, stackName } from '../../infra/config.ts';

const from =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

describe('resolveStackConfig', () => {
  it('applies the documented defaults when only posthogHost is given', () => {
    expect(resolveStackConfig(from({ posthogHost: 'eu' }))).toEqual({
      stage: 'prod',
      posthogHost: 'eu',
      endpoint: 'apiGateway',
      intakeReservedConcurrency: 100,
      throttlingRateLimit: 2_000,
      throttlingBurstLimit: 4_000,
      maxReceiveCount: 8,
      maxConcurrency: 5,
      logRetentionDays: 30,
      cohortSync: false,
      retryBaseSeconds: 60,
      retryMaxSeconds: 900,
      outageProbeSeconds: 60,
      tracing: false,
      logLevel: 'INFO',
      apiAccessLog: false,
      maxBodyBytes: 1_048_576,
      strictMode: false,
      streamsEventName: 'event_name',
      streamsIncludeChannelAddresses: false,
      streamsUserAttributes: 'set_once',
      streamsMoengageUserIdPersons: false,
      posthogTimeoutMs: 10_000,
      secretsMaxAgeSeconds: 60,
      rejectedAlarmThreshold: 10,
      latencyAlarmMs: 3_000,
    });
    expect(DEFAULTS.maxReceiveCount).toBe(8);
  });

  it('reads -c values, which arrive as strings, as numbers and booleans', () => {
    const config = resolveStackConfig(
      from({
        posthogHost: 'https://posthog.example.com',
        stage: 'staging',
        alarmEmail: 'ops@example.com',
        throttlingRateLimit: '50',
        throttlingBurstLimit: '100',
        maxReceiveCount: '3',
        maxConcurrency: '2',
        logRetentionDays: '90',
        cohortSync: 'true',
        retryBaseSeconds: '30',
        retryMaxSeconds: '600',
        outageProbeSeconds: '120',
        tracing: 'true',
        logLevel: 'DEBUG',
        apiAccessLog: 'true',
        endpoint: 'apiGateway',
        intakeReservedConcurrency: '50',
        maxBodyBytes: '2048',
        strictMode: '1',
        personlessEvents: 'Email Sent,MOE_SMS_SENT',
        streamsEventName: 'event_code',
        streamsIncludeChannelAddresses: 'true',
        streamsUserAttributes: 'none',
        streamsMoengageUserIdPersons: 'true',
        posthogTimeoutMs: '5000',
        secretsMaxAgeSeconds: '0',
        rejectedAlarmThreshold: '1',
        latencyAlarmMs: '4500',
        slackWorkspaceId: 'T0123ABC',
        slackChannelId: 'C0123ABC',
        teamsTeamId: '9d6e4a1c-0000-4000-8000-000000000001',
        teamsChannelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
        teamsTenantId: '9d6e4a1c-0000-4000-8000-000000000002',
      }),
    );
    expect(config).toEqual({
      stage: 'staging',
      posthogHost: 'https://posthog.example.com',
      alarmEmail: 'ops@example.com',
      endpoint: 'apiGateway',
      intakeReservedConcurrency: 50,
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
      maxReceiveCount: 3,
      maxConcurrency: 2,
      logRetentionDays: 90,
      cohortSync: true,
      retryBaseSeconds: 30,
      retryMaxSeconds: 600,
      outageProbeSeconds: 120,
      tracing: true,
      logLevel: 'DEBUG',
      apiAccessLog: true,
      maxBodyBytes: 2048,
      strictMode: true,
      personlessEvents: 'Email Sent,MOE_SMS_SENT',
      streamsEventName: 'event_code',
      streamsIncludeChannelAddresses: true,
      streamsUserAttributes: 'none',
      streamsMoengageUserIdPersons: true,
      posthogTimeoutMs: 5000,
      secretsMaxAgeSeconds: 0,
      rejectedAlarmThreshold: 1,
      latencyAlarmMs: 4500,
      slackWorkspaceId: 'T0123ABC',
      slackChannelId: 'C0123ABC',
      teamsTeamId: '9d6e4a1c-0000-4000-8000-000000000001',
      teamsChannelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
      teamsTenantId: '9d6e4a1c-0000-4000-8000-000000000002',
    });
  });

  it('reads cdk.json values as JSON gives them: numbers, booleans and lists', () => {
    const stages = { prod: { posthogHost: 'us', maxBodyBytes: 4096, strictMode: true, personlessEvents: ['Email Sent', 'SMS Sent'] } };
    expect(resolveStackConfig(from({ stages }))).toMatchObject({
      maxBodyBytes: 4096,
      strictMode: true,
      personlessEvents: 'Email Sent,SMS Sent',
    });
    // An empty list means no personless events at all (not the default list, which `-c personlessEvents=` restores).
    expect(resolveStackConfig(from({ stages: { prod: { posthogHost: 'us', personlessEvents: [] } } })).personlessEvents).toBe('');
    expect(resolveStackConfig(from({ stages, personlessEvents: '' })).personlessEvents).toBeUndefined();
  });

  it('takes a stage block from cdk.json, and lets a top-level key (-c) override it', () => {
    const stages = { staging: { posthogHost: 'us', maxConcurrency: 2, alarmEmail: 'staging@example.com' }, prod: { posthogHost: 'eu' } };
    expect(resolveStackConfig(from({ stage: 'staging', stages }))).toMatchObject({ posthogHost: 'us', maxConcurrency: 2 });
    expect(resolveStackConfig(from({ stages }))).toMatchObject({ stage: 'prod', posthogHost: 'eu', maxConcurrency: 5 });
    expect(resolveStackConfig(from({ stage: 'staging', stages, posthogHost: 'eu', maxConcurrency: '7' }))).toMatchObject({
      posthogHost: 'eu',
      maxConcurrency: 7,
    });
    // `-c alarmEmail=` clears an address set in cdk.json.
    expect(resolveStackConfig(from({ stage: 'staging', stages, alarmEmail: '' })).alarmEmail).toBeUndefined();
  });

  it.each([
    [{}, /-c posthogHost: is required/],
    [{ posthogHost: 'eu', cohortSync: 'yes' }, /-c cohortSync: must be true or false/],
    [{ posthogHost: 'eu', tracing: 'on' }, /-c tracing: must be true or false/],
    [{ posthogHost: 'eu', tracingLayerArn: 'AWSOpenTelemetryDistroJs:12' }, /-c tracingLayerArn: must be a Lambda layer version ARN/],
    [{ posthogHost: 'eu', secretsExtensionLayerArn: 'v1.0.103' }, /-c secretsExtensionLayerArn: must be a Lambda layer version ARN/],
    [{ posthogHost: 'eu', logLevel: 'info' }, /-c logLevel: must be DEBUG, INFO, WARN or ERROR/],
    [{ posthogHost: 'ftp://example.com' }, /-c posthogHost: must be "us", "eu" or an http\(s\) URL/],
    [{ posthogHost: 'eu', stage: 'Prod' }, /-c stage: must be 1–20 lower-case letters/],
    [{ posthogHost: 'eu', stage: 'a-stage-name-that-is-too-long' }, /-c stage/],
    [{ posthogHost: 'eu', alarmEmail: 'ops' }, /-c alarmEmail: must be an e-mail address/],
    [{ posthogHost: 'eu', throttlingRateLimit: 'fast' }, /-c throttlingRateLimit/],
    [{ posthogHost: 'eu', throttlingBurstLimit: '0' }, /-c throttlingBurstLimit/],
    [{ posthogHost: 'eu', maxReceiveCount: '0' }, /-c maxReceiveCount/],
    // The forwarder re-queues a systemically failed record one receive before SQS would dead-letter it.
    [{ posthogHost: 'eu', maxReceiveCount: '2' }, /-c maxReceiveCount: Too small: expected number to be >=3/],
    [{ posthogHost: 'eu', strictMode: 'yes' }, /-c strictMode: must be true or false \(or 1 or 0\)/],
    [{ posthogHost: 'eu', maxBodyBytes: '100' }, /-c maxBodyBytes/],
    [{ posthogHost: 'eu', streamsEventName: 'name' }, /-c streamsEventName: must be "event_name" or "event_code"/],
    [{ posthogHost: 'eu', streamsUserAttributes: 'merge' }, /-c streamsUserAttributes: must be "set_once", "set" or "none"/],
    [{ posthogHost: 'eu', posthogTimeoutMs: '20000' }, /-c posthogTimeoutMs: must be at most 15000/],
    [{ posthogHost: 'eu', outageProbeSeconds: '90' }, /-c outageProbeSeconds: must be a whole number of minutes/],
    [{ posthogHost: 'eu', outageProbeSeconds: '30' }, /-c outageProbeSeconds: must be a whole number of minutes/],
    [{ posthogHost: 'eu', retryBaseSeconds: '600', retryMaxSeconds: '300' }, /-c retryMaxSeconds: must be at least retryBaseSeconds/],
    [{ posthogHost: 'eu', latencyAlarmMs: '6000' }, /-c latencyAlarmMs/],
    [{ posthogHost: 'eu', rejectedAlarmThreshold: '0' }, /-c rejectedAlarmThreshold/],
    [{ posthogHost: 'eu', slackWorkspaceId: 'T0123ABC' }, /-c slackChannelId: is needed with slackWorkspaceId/],
    [{ posthogHost: 'eu', teamsTeamId: 'x', teamsChannelId: 'y' }, /-c teamsTenantId: is needed with teamsTeamId, teamsChannelId/],
    [{ posthogHost: 'eu', slackChannelId: 'C01 "x"', slackWorkspaceId: 'T1' }, /-c slackChannelId: must be the Slack channel id/],
    [{ posthogHost: 'eu', maxReceiveCount: '2.5' }, /-c maxReceiveCount/],
    [{ posthogHost: 'eu', maxConcurrency: '1' }, /-c maxConcurrency/],
    [{ posthogHost: 'eu', logRetentionDays: '10' }, /-c logRetentionDays: must be one of 1, 3, 5/],
    [{ posthogHost: 'eu', stages: { prod: { maxConcurency: 2 } } }, /stages.prod has unknown keys: maxConcurency/],
    [{ posthogHost: 'eu', stages: { prod: 'eu' } }, /stages.prod must be an object/],
    [{ posthogHost: 'eu', stages: ['prod'] }, /stages must be an object/],
  ])('refuses %j with a message naming the setting', (context, message) => {
    expect(() => resolveStackConfig(from(context))).toThrow(StackConfigError);
    expect(() => resolveStackConfig(from(context))).toThrow(message);
  });

  it("refuses a mistyped top-level key (-c maxConcurency=2) instead of ignoring it, and leaves CDK's own keys alone", () => {
    const context = { posthogHost: 'eu', maxConcurency: '2' };
    const keys = [...Object.keys(context), 'stages', 'cli-telemetry', 'aws:cdk:version-reporting', '@aws-cdk/core:target-partitions'];
    expect(() => resolveStackConfig(from(context), keys)).toThrow('invalid CDK context: unknown settings -c maxConcurency');
    expect(
      resolveStackConfig(
        from({ posthogHost: 'eu' }),
        keys.filter((k) => k !== 'maxConcurency'),
      ).posthogHost,
    ).toBe('eu');
  });

  it('names the stack and the metrics namespace after the stage', () => {
    expect(stackName('staging')).toBe('MoEngagePostHogForwarder-staging');
    expect(metricsNamespace('staging')).toBe('MoEngagePostHogForwarder/staging');
  });
});
