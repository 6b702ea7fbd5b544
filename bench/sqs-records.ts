import type { SQSRecord } from 'aws-lambda';
import type { PostHogEvent } from '#shared/posthog/event';
import { encodeMessage } from '#shared/queue/message';

/**
 * The SQS record the event source mapping hands the forwarder for one queued event (the queue's own encoding, a
 * first receive), numbered `index` within the run.
 */
export const benchRecord = (event: PostHogEvent, destination: string, index: number): SQSRecord => {
  const encoded = encodeMessage({ event, destination, origin: 'connector', receivedAt: '2026-11-23T12:00:00.000Z' });
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(encoded.attributes)) {
    messageAttributes[name] = { dataType: 'String', stringValue: value.StringValue ?? '', stringListValues: [], binaryListValues: [] };
  }
  return {
    messageId: `m-${index}`,
    receiptHandle: `r-${index}`,
    body: encoded.body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1795492800000',
      SenderId: 'bench',
      ApproximateFirstReceiveTimestamp: '1795492800000',
    },
    messageAttributes,
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench-events',
    awsRegion: 'us-east-1',
  };
};
