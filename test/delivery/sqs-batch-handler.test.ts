import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import type { DeadLetterReason } from '#shared/delivery/dead-letter';
import { createForwarderHandler, type ForwarderDeps } from '#shared/delivery/sqs-batch-handler';
import type { SendResult } from '#shared/posthog/capture-client';
import type { VisibilityChange } from '#shared/delivery/visibility';
import { encodeBody } from '#shared/queue/message';
import { makeEvent } from './harness.ts';

const HOST = 'https://eu.i.posthog.com';

function record(id: string, body: string, receiveCount = 1): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1795424400000',
      SenderId: 'intake',
      ApproximateFirstReceiveTimestamp: '1795424401000',
    },
    messageAttributes: {
      destination: { dataType: 'String', stringValue: HOST, stringListValues: [], binaryListValues: [] },
      received_at: { dataType: 'String', stringValue: '2026-11-23T10:00:00.000Z', stringListValues: [], binaryListValues: [] },
    },
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:events',
    awsRegion: 'eu-west-1',
  };
}

const eventRecord = (n: number, receiveCount = 1) => record(`m${n}`, JSON.stringify(makeEvent(n)), receiveCount);
const uuidOf = (n: number) => makeEvent(n).uuid;

/** Metrics as published: plain counters plus the single metrics with their dimension. */
function recordingMetrics() {
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'forwarder' });
  const plain: Array<[string, number]> = [];
  const dimensioned: Array<[string, string, number]> = [];
  // Replaced on this instance only (ESM jest has no global `jest.spyOn`); nothing reaches stdout.
  metrics.addMetric = (name, _unit, value) => {
    plain.push([name, value]);
    return metrics;
  };
  metrics.singleMetric = () => {
    let dimension = '';
    const single = {
      addDimension: (name: string, value: string) => {
        dimension = `${name}=${value}`;
      },
      addMetric: (name: string, _unit: unknown, value: number) => {
        dimensioned.push([name, dimension, value]);
      },
    };
    return single as unknown as Metrics;
  };
  metrics.publishStoredMetrics = () => metrics;
  return { metrics, plain, dimensioned };
}

function setup(post: (events: string[]) => SendResult, overrides: Partial<ForwarderDeps> = {}) {
  const { metrics, plain, dimensioned } = recordingMetrics();
  const posted: string[][] = [];
  const deadLettered: Array<{ id: string; reason: DeadLetterReason }> = [];
  const visibility: VisibilityChange[] = [];
  let clock = Date.parse('2026-11-23T10:01:00.000Z');
  const deps: ForwarderDeps = {
    defaultDestination: HOST,
    secrets: { posthogApiKey: async () => 'phc_test', webhookTokens: async () => [] },
    post: async (_destination, _key, json) => {
      posted.push([...json]);
      return post([...json]);
    },
    requestTimeoutMs: 1_000,
    deadLetters: {
      send: async (r, reason) => {
        deadLettered.push({ id: r.messageId, reason });
      },
    },
    visibility: {
      extend: async (changes) => {
        visibility.push(...changes);
        return [];
      },
    },
    visibilityPolicy: { baseSeconds: 60, capSeconds: 3_600 },
    retry: { attempts: 2, baseMs: 10, capMs: 10 },
    sleep: async (ms) => {
      clock += ms;
    },
    random: () => 0.99999,
    now: () => clock,
    safetyMarginMs: 1_000,
    logger: new Logger({ serviceName: 'forwarder-test', logLevel: 'SILENT' }),
    metrics,
    ...overrides,
  };
  const handler = createForwarderHandler(deps);
  const invoke = (records: SQSRecord[], remainingMs = 30_000) =>
    handler({ Records: records }, { getRemainingTimeInMillis: () => remainingMs });
  return { invoke, posted, deadLettered, visibility, plain, dimensioned };
}

const ok: SendResult = { ok: true, status: 200 };
const fail = (status: number | undefined, kind: 'rejected' | 'retryable' | 'unauthorized', extra: Partial<SendResult> = {}): SendResult =>
  ({ ok: false, kind, status, message: `HTTP ${status}`, retryAfterMs: undefined, ...extra }) as SendResult;

describe('forwarder handler', () => {
  it('delivers good events, dead-letters a refused one and an unreadable one, and reports no failure', async () => {
    const poison = uuidOf(2);
    const f = setup((events) => (events.some((e) => e.includes(poison)) ? fail(400, 'rejected') : ok));
    const response = await f.invoke([eventRecord(1), eventRecord(2), eventRecord(3), record('bad', '{"event":')]);
    expect(response.batchItemFailures).toEqual([]);
    expect(f.deadLettered).toEqual([
      { id: 'm2', reason: { reason: 'rejected', httpStatus: 400, message: 'HTTP 400', attempts: 3 } },
      { id: 'bad', reason: { reason: 'malformed', httpStatus: undefined, message: 'message body is not JSON', attempts: 0 } },
    ]);
    expect(f.visibility).toEqual([]);
    expect(f.plain).toEqual(
      expect.arrayContaining([
        ['Delivered', 2],
        ['DeliveryLatency', 60_000],
      ]),
    );
    expect(f.dimensioned).toEqual(
      expect.arrayContaining([
        ['DeadLettered', 'reason=rejected', 1],
        ['DeadLettered', 'reason=malformed', 1],
        ['PostHogStatus', 'code=400', 3],
        ['PostHogStatus', 'code=200', 2],
      ]),
    );
  });

  it('posts each event as the exact text that was queued', async () => {
    const f = setup(() => ok);
    const body = `{"uuid":"${uuidOf(9)}","event":"x","distinct_id":"u","properties":{"b":1,"a":2},"timestamp":"2026-11-23T10:00:00Z"}`;
    await f.invoke([record('m9', body)]);
    expect(f.posted).toEqual([[body]]);
  });

  it('decodes a body queued with \\u escapes and posts the exact JSON the mapper made', async () => {
    const f = setup(() => ok);
    const event = { ...makeEvent(5), properties: { text: 'a\uFFFE😀b' } };
    await f.invoke([record('m5', encodeBody(event))]);
    expect(encodeBody(event)).toContain('\\ufffe\\ud83d\\ude00');
    expect(f.posted).toEqual([[JSON.stringify(event)]]);
  });

  it('never sends the key to a destination that is not the configured host: the message is dead-lettered', async () => {
    const f = setup(() => ok);
    const elsewhere = eventRecord(6);
    elsewhere.messageAttributes.destination = {
      dataType: 'String',
      stringValue: 'https://attacker.example',
      stringListValues: [],
      binaryListValues: [],
    };
    const response = await f.invoke([elsewhere, eventRecord(7)]);
    expect(response.batchItemFailures).toEqual([]);
    expect(f.posted.flat()).toHaveLength(1);
    expect(f.deadLettered).toEqual([
      {
        id: 'm6',
        reason: expect.objectContaining({ reason: 'malformed', message: expect.stringContaining('not the configured PostHog host') }),
      },
    ]);
  });

  it('dead-letters a message carrying sent_at or offset instead of letting PostHog shift its timestamp', async () => {
    const f = setup(() => ok);
    await f.invoke([record('s', JSON.stringify({ ...makeEvent(4), sent_at: '2026-11-23T10:00:00Z' }))]);
    expect(f.posted).toEqual([]);
    expect(f.deadLettered[0]?.reason).toMatchObject({ reason: 'malformed', message: expect.stringContaining('sent_at') });
  });

  it('hands retryable failures back with a visibility that grows with the receive count and honours Retry-After', async () => {
    const f = setup(() => fail(503, 'retryable', { retryAfterMs: 90_000 }));
    const first = await f.invoke([eventRecord(1, 1), eventRecord(2, 3)]);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
    // Receive 1: max(60 s, Retry-After 90 s) = 90 s; receive 3: 240 s.
    expect(f.visibility).toEqual([
      { id: 'm1', receiptHandle: 'rh-m1', seconds: 90 },
      { id: 'm2', receiptHandle: 'rh-m2', seconds: 240 },
    ]);
    expect(f.plain).toEqual(expect.arrayContaining([['Retried', 2]]));
    expect(f.dimensioned).toEqual([['PostHogStatus', 'code=503', 1]]);
  });

  it('counts a 401 for the alarm, hands the events back and does not dead-letter them', async () => {
    const f = setup(() => fail(401, 'unauthorized'));
    const response = await f.invoke([eventRecord(1, 2)]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(f.posted).toHaveLength(1);
    expect(f.deadLettered).toEqual([]);
    expect(f.visibility).toEqual([{ id: 'm1', receiptHandle: 'rh-m1', seconds: 120 }]);
    expect(f.plain).toEqual(expect.arrayContaining([['PostHogUnauthorized', 1]]));
    expect(f.dimensioned).toEqual([['PostHogStatus', 'code=401', 1]]);
  });

  it('labels responses that never came as timeout or network', async () => {
    const results = [fail(undefined, 'retryable', { failure: 'timeout' }), fail(undefined, 'retryable', { failure: 'network' })];
    const f = setup(() => results.shift() ?? ok);
    await f.invoke([eventRecord(1)]);
    expect(f.dimensioned).toEqual(
      expect.arrayContaining([
        ['PostHogStatus', 'code=timeout', 1],
        ['PostHogStatus', 'code=network', 1],
      ]),
    );
  });

  it('retries a record whose dead-lettering failed instead of deleting it', async () => {
    const f = setup(() => fail(413, 'rejected'), {
      deadLetters: {
        send: async () => {
          throw new Error('AccessDenied');
        },
      },
    });
    const response = await f.invoke([eventRecord(1)]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(f.visibility).toHaveLength(1);
  });

  it('starts no request when the Lambda has no time left, and hands everything back', async () => {
    const f = setup(() => ok);
    const response = await f.invoke([eventRecord(1), eventRecord(2)], 1_100);
    expect(f.posted).toEqual([]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
  });

  it('hands the batch back when the API key cannot be read', async () => {
    const f = setup(() => ok, {
      secrets: {
        posthogApiKey: async () => {
          throw new Error('ThrottlingException');
        },
        webhookTokens: async () => [],
      },
    });
    const response = await f.invoke([eventRecord(1)]);
    expect(f.posted).toEqual([]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
  });
});

describe('the dead-letter log line', () => {
  it('keeps the class of PostHog’s rejection, never its detail (Powertools drops a `message` key, so it travels as posthog_message)', async () => {
    const lines: string[] = [];
    const capture = ((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0) as typeof process.stdout.write;
    const [stdout, stderr, level] = [process.stdout.write, process.stderr.write, process.env.POWERTOOLS_LOG_LEVEL];
    process.stdout.write = capture;
    process.stderr.write = capture;
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR'; // test/support/env.ts silences every logger
    try {
      const logger = new Logger({ serviceName: 'forwarder-test' });
      const f = setup(
        () => fail(400, 'rejected', { message: 'failed to parse request: invalid value: string "ann@example.com", expected u64' }),
        { logger },
      );
      await f.invoke([eventRecord(1)]);
    } finally {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
      process.env.POWERTOOLS_LOG_LEVEL = level;
    }
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'event dead-lettered');
    expect(line).toMatchObject({
      level: 'ERROR',
      reason: 'rejected',
      http_status: 400,
      posthog_message: 'failed to parse request',
      posthog_message_chars: 78,
    });
    expect(lines.join('')).not.toContain('ann@example.com');
  });
});
