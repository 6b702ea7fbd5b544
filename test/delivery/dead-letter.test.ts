import type { SQSRecord } from 'aws-lambda';
import { carriedAttributes, DLQ_ATTRIBUTES, deadLetterAttributes } from '#shared/delivery/dead-letter';

const attr = (stringValue: string) => ({ dataType: 'String', stringValue, stringListValues: [], binaryListValues: [] });

const record = (extra: SQSRecord['messageAttributes'] = {}): SQSRecord => ({
  messageId: 'msg-1',
  receiptHandle: 'rh',
  body: '{}',
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1795428000000',
    SenderId: 'intake',
    ApproximateFirstReceiveTimestamp: String(Date.parse('2026-11-23T10:00:01.000Z')),
  },
  messageAttributes: {
    destination: attr('https://eu.i.posthog.com'),
    origin: attr('connector'),
    received_at: attr('2026-11-23T10:00:00.000Z'),
    ...extra,
  },
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:events',
  awsRegion: 'eu-west-1',
});

const values = (attributes: ReturnType<typeof deadLetterAttributes>) =>
  Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, value.StringValue]));

describe('deadLetterAttributes', () => {
  it('records why, when and how often, next to the attributes the intake set', () => {
    const attributes = deadLetterAttributes(record(), { reason: 'rejected', httpStatus: 413, message: 'EventTooBig', attempts: 4 });
    expect(values(attributes)).toEqual({
      destination: 'https://eu.i.posthog.com',
      origin: 'connector',
      received_at: '2026-11-23T10:00:00.000Z',
      [DLQ_ATTRIBUTES.reason]: 'rejected',
      [DLQ_ATTRIBUTES.httpStatus]: '413',
      [DLQ_ATTRIBUTES.message]: 'EventTooBig',
      [DLQ_ATTRIBUTES.attempts]: '4',
      [DLQ_ATTRIBUTES.receiveCount]: '1',
      [DLQ_ATTRIBUTES.firstSeen]: '2026-11-23T10:00:01.000Z',
      [DLQ_ATTRIBUTES.sourceMessageId]: 'msg-1',
    });
    // SQS accepts at most 10 message attributes.
    expect(Object.keys(attributes).length).toBeLessThanOrEqual(10);
  });

  it('replaces the dlq_* attributes of a redriven message instead of adding a second set', () => {
    const redriven = record({ dlq_reason: attr('rejected'), dlq_message: attr('old'), unrelated: attr('x') });
    expect(Object.keys(carriedAttributes(redriven)).sort()).toEqual(['destination', 'origin', 'received_at']);
    const attributes = deadLetterAttributes(redriven, { reason: 'malformed', httpStatus: undefined, message: '', attempts: 0 });
    expect(values(attributes)).toMatchObject({ dlq_reason: 'malformed', dlq_http_status: 'none', dlq_message: 'none' });
    expect(Object.keys(attributes).length).toBeLessThanOrEqual(10);
  });

  it('keeps a long PostHog message to 1000 characters', () => {
    const attributes = deadLetterAttributes(record(), { reason: 'rejected', httpStatus: 400, message: 'x'.repeat(5_000), attempts: 1 });
    expect(attributes[DLQ_ATTRIBUTES.message]?.StringValue).toHaveLength(1_000);
  });
});
