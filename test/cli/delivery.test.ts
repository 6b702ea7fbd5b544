import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createQueueTagSwitch } from '#shared/platform/queue-tag-switch';
import { statusText } from '../../cli/delivery.ts';
import { formatAge, queueNameOf } from '../../cli/queue-age.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs-server.ts';
import { fakeCloudWatch } from '../support/fake-cloudwatch.ts';
import { type Harness, harness } from './harness.ts';

describe('moengage-posthog delivery (against the in-process SQS the local runner uses)', () => {
  let sqs: LocalSqs;
  let cli: Harness;
  // The CLI's clock stands 125 s after the message was sent (SQS stamps SentTimestamp itself, between these two).
  let sentAfter = 0;
  let sendTook = 0;
  let now = 0;
  beforeAll(async () => {
    sqs = await startLocalSqs();
    const sentBefore = Date.now();
    await sqs.client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl, MessageBody: '{}' }));
    sentAfter = Date.now();
    sendTook = Math.ceil((sentAfter - sentBefore) / 1000);
    now = sentAfter + 125_000;
    cli = harness({ now: () => now });
  });
  afterAll(async () => {
    cli.close();
    await sqs.close();
  });

  it("reports delivering with the backlog and the oldest message's age, as text and as JSON with numbers", async () => {
    const text = await cli.run(['delivery', 'status', '--local', '--endpoint', sqs.endpoint]);
    expect(text).toMatchObject({
      code: 0,
      stdout: 'Delivery: delivering\nWaiting in the queue: 1 event(s), 0 in flight\nOldest waiting event: 2 min\n',
    });
    const json = await cli.run(['delivery', 'status', '--local', '--endpoint', sqs.endpoint, '--format', 'json']);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toEqual({
      status: 'delivering',
      waiting: 1,
      in_flight: 0,
      oldest_age_seconds: expect.any(Number),
      oldest_age_as_of: new Date(now).toISOString(),
    });
    expect(parsed.oldest_age_seconds).toBeGreaterThanOrEqual(125);
    expect(parsed.oldest_age_seconds).toBeLessThanOrEqual(125 + sendTook);
  });

  it("in AWS reads the age from CloudWatch's ApproximateAgeOfOldestMessage (the newest datapoint), and says when there is none", async () => {
    const cloudWatch = fakeCloudWatch();
    const name = queueNameOf(sqs.queueUrl);
    const minute = Math.floor(now / 60_000) * 60_000;
    cloudWatch.put(name, 'ApproximateAgeOfOldestMessage', minute - 180_000, 3_600);
    cloudWatch.put(name, 'ApproximateAgeOfOldestMessage', minute - 120_000, 3_720);
    cloudWatch.put(name, 'ApproximateNumberOfMessagesVisible', minute - 60_000, 1);
    cloudWatch.put('another-queue', 'ApproximateAgeOfOldestMessage', minute - 60_000, 99_999);
    const aws = harness({ now: () => now, cloudWatch: () => cloudWatch });
    const where = ['--queue-url', sqs.queueUrl, '--dlq-url', sqs.dlqUrl, '--endpoint', sqs.endpoint, '--region', 'us-east-1'];
    try {
      const text = await aws.run(['delivery', 'status', ...where]);
      expect(text.stdout).toContain(`Oldest waiting event: 1 h 2 min (as of ${new Date(minute - 120_000).toISOString()})\n`);
      expect(cloudWatch.requests[0]?.MetricDataQueries?.[0]?.MetricStat).toEqual({
        Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: name }] },
        Period: 60,
        Stat: 'Maximum',
      });
      const json = JSON.parse((await aws.run(['delivery', 'status', ...where, '--format', 'json'])).stdout);
      expect(json).toMatchObject({ oldest_age_seconds: 3_720, oldest_age_as_of: new Date(minute - 120_000).toISOString() });

      const idle = harness({ now: () => now, cloudWatch: () => fakeCloudWatch() });
      const none = await idle.run(['delivery', 'status', ...where, '--format', 'json']);
      idle.close();
      expect(JSON.parse(none.stdout)).toMatchObject({
        oldest_age_seconds: null,
        oldest_age_unknown: expect.stringContaining('no CloudWatch datapoint'),
      });
    } finally {
      aws.close();
    }
  });

  it('still reports the state and the backlog when CloudWatch cannot be read', async () => {
    const where = ['--queue-url', sqs.queueUrl, '--dlq-url', sqs.dlqUrl, '--endpoint', sqs.endpoint, '--region', 'us-east-1'];
    const result = await cli.run(['delivery', 'status', ...where]);
    expect(result).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('Oldest waiting event: unknown (no CloudWatch in this test)\n'),
    });
  });

  it('pauses and resumes through the queue tag that the forwarder and the prober read', async () => {
    const paused = await cli.run(['delivery', 'pause', '--local', '--endpoint', sqs.endpoint, '--format', 'json']);
    expect(paused.code).toBe(0);
    expect(paused.stderr).toContain('delivery paused');
    expect(JSON.parse(paused.stdout)).toMatchObject({
      status: 'paused',
      cause: 'operator',
      since: new Date(now).toISOString(),
      next_probe: null,
    });
    const seen = createQueueTagSwitch({ sqs: sqs.client, queueUrl: sqs.queueUrl, cacheMs: 0, now: Date.now });
    expect(await seen.read()).toMatchObject({ status: 'paused', cause: 'operator' });
    const resumed = await cli.run(['delivery', 'resume', '--local', '--endpoint', sqs.endpoint]);
    expect(resumed.stdout).toMatch(/^Delivery: delivering\n/);
    expect(await seen.read()).toEqual({ status: 'delivering' });
  });

  it('refuses an unknown action with exit code 2', async () => {
    const result = await cli.run(['delivery', 'stop', '--local', '--endpoint', sqs.endpoint]);
    expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining('expected status, pause or resume, got "stop"') });
  });
});

describe('statusText', () => {
  it('says why and since when delivery is paused', () => {
    const since = Date.UTC(2026, 10, 28, 10, 0, 0);
    const text = statusText(
      { status: 'paused', cause: 'unreachable', since, nextProbeAt: since + 60_000, lastError: 'HTTP 503' },
      { waiting: 1200, inFlight: 30, oldest: { seconds: 5_460, asOf: since + 89 * 60_000 } },
      since + 90 * 60_000,
    );
    expect(text).toBe(
      'Delivery: PostHog unreachable since 2026-11-28T10:00:00.000Z; next probe 2026-11-28T10:01:00.000Z (last answer: HTTP 503)\n' +
        'Paused for: 1 h 30 min\nWaiting in the queue: 1200 event(s), 30 in flight\n' +
        'Oldest waiting event: 1 h 31 min (as of 2026-11-28T11:29:00.000Z)\n',
    );
  });
});

describe('formatAge', () => {
  it.each([
    [0, '0 s'],
    [59, '59 s'],
    [60, '1 min'],
    [3_599, '59 min'],
    [3_600, '1 h 0 min'],
    [86_399, '23 h 59 min'],
    [86_400 * 13 + 7_200, '13 d 2 h'],
  ])('%d s reads "%s"', (seconds, text) => {
    expect(formatAge(seconds)).toBe(text);
  });
});
