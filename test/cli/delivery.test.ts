import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createQueueTagSwitch } from '#shared/platform/queue-tag-switch';
import { statusText } from '../../cli/delivery.ts';
import { type LocalSqs, startLocalSqs } from '../../local/sqs-server.ts';
import { type Harness, harness } from './harness.ts';

describe('moengage-posthog delivery (against the in-process SQS the local runner uses)', () => {
  let sqs: LocalSqs;
  let cli: Harness;
  beforeAll(async () => {
    sqs = await startLocalSqs();
    await sqs.client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl, MessageBody: '{}' }));
    cli = harness({ now: () => Date.UTC(2026, 10, 28, 12, 0, 0) });
  });
  afterAll(async () => {
    cli.close();
    await sqs.close();
  });

  it('reports delivering with the backlog, as text and as JSON with numbers', async () => {
    const text = await cli.run(['delivery', 'status', '--local', '--endpoint', sqs.endpoint]);
    expect(text).toMatchObject({ code: 0, stdout: 'Delivery: delivering\nWaiting in the queue: 1 event(s), 0 in flight\n' });
    const json = await cli.run(['delivery', 'status', '--local', '--endpoint', sqs.endpoint, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual({ status: 'delivering', waiting: 1, in_flight: 0 });
  });

  it('pauses and resumes through the queue tag that the forwarder and the prober read', async () => {
    const paused = await cli.run(['delivery', 'pause', '--local', '--endpoint', sqs.endpoint, '--format', 'json']);
    expect(paused.code).toBe(0);
    expect(paused.stderr).toContain('delivery paused');
    expect(JSON.parse(paused.stdout)).toMatchObject({
      status: 'paused',
      cause: 'operator',
      since: '2026-11-28T12:00:00.000Z',
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
      1200,
      30,
      since + 90 * 60_000,
    );
    expect(text).toBe(
      'Delivery: PostHog unreachable since 2026-11-28T10:00:00.000Z; next probe 2026-11-28T10:01:00.000Z (last answer: HTTP 503)\n' +
        'Paused for: 90 min\nWaiting in the queue: 1200 event(s), 30 in flight\n',
    );
  });
});
