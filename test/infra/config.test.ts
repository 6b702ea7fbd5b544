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
      }),
    );
    expect(config).toEqual({
      stage: 'staging',
      posthogHost: 'https://posthog.example.com',
      alarmEmail: 'ops@example.com',
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
    });
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
    [{ posthogHost: 'eu', logLevel: 'info' }, /-c logLevel: must be DEBUG, INFO, WARN or ERROR/],
    [{ posthogHost: 'ftp://example.com' }, /-c posthogHost: must be "us", "eu" or an http\(s\) URL/],
    [{ posthogHost: 'eu', stage: 'Prod' }, /-c stage: must be 1–20 lower-case letters/],
    [{ posthogHost: 'eu', stage: 'a-stage-name-that-is-too-long' }, /-c stage/],
    [{ posthogHost: 'eu', alarmEmail: 'ops' }, /-c alarmEmail: must be an e-mail address/],
    [{ posthogHost: 'eu', throttlingRateLimit: 'fast' }, /-c throttlingRateLimit/],
    [{ posthogHost: 'eu', throttlingBurstLimit: '0' }, /-c throttlingBurstLimit/],
    [{ posthogHost: 'eu', maxReceiveCount: '0' }, /-c maxReceiveCount/],
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

  it('names the stack and the metrics namespace after the stage', () => {
    expect(stackName('staging')).toBe('MoEngagePostHogForwarder-staging');
    expect(metricsNamespace('staging')).toBe('MoEngagePostHogForwarder/staging');
  });
});
