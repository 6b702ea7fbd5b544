import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createForwarderHandler } from '#shared/delivery/sqs-batch-handler';
import { createLogger, tapLogs } from '#shared/platform/observability';
import type { PostHogEvent } from '#shared/posthog/event';
import type { SendResult } from '#shared/posthog/capture-client';
import { encodeMessage } from '#shared/queue/message';
import { toSqsRecord } from '#shared/queue/sqs-record';
import type { StoredLine } from './fake-logs-insights.ts';

export const HOST = 'https://eu.i.posthog.com';
/** Log group names as CloudFormation makes them for the stack's unnamed log groups: stack, logical id, suffix. */
export const LOG_GROUPS = {
  intake: 'MoEngagePostHogForwarder-prod-IntakeLogs5F2A8E1C-Ab12Cd34Ef56',
  forwarder: 'MoEngagePostHogForwarder-prod-ForwarderLogs9D3B7C4A-Gh78Ij90Kl12',
};
export const RECEIVED_AT = '2026-11-28T10:00:00.120Z';
/** The times the three invocations are stamped with (the lines' own time is rewritten to these). */
const INVOCATIONS = ['2026-11-28T10:00:01.200Z', '2026-11-28T10:00:01.900Z', '2026-11-28T10:01:02.400Z'];

const event = (name: string, insertId: string, uuid: string): PostHogEvent => ({
  event: name,
  distinct_id: 'ana@example.com',
  properties: { $insert_id: insertId, amount: 19.99, $lib: 'moengage-posthog-forwarder' },
  timestamp: '2026-11-28T09:59:59.000Z',
  uuid,
});
/** PostHog is down for the first (3 attempts), refuses the second alone (400), and takes the first when it comes back. */
export const DELIVERED = event('purchase_completed', 'a1b2c3d4', '0193a0b0-7c1e-5000-8000-3f5d8a1e2b4c');
export const REFUSED = event('order_placed', 'e5f6a7b8', '0193a0b0-7c1e-5000-8000-3f5d8a1e2b4d');

const recordOf = (e: PostHogEvent, id: string, receiveCount: number) => {
  const { body, attributes } = encodeMessage({ event: e, destination: HOST, origin: 'connector', receivedAt: RECEIVED_AT });
  const message = {
    MessageId: id,
    ReceiptHandle: `rh-${id}-${receiveCount}`,
    Body: body,
    MessageAttributes: attributes,
    Attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: String(Date.parse(RECEIVED_AT)) },
  };
  return toSqsRecord(message, 'arn:aws:sqs:eu-west-1:123456789012:moengage-posthog-events');
};

/** The real forwarder handler with a fake PostHog (`post`), logging through `logger`. */
function forwarder(logger: Logger, post: (events: readonly string[]) => SendResult, now: () => number) {
  return createForwarderHandler({
    defaultDestination: HOST,
    secrets: { posthogApiKey: async () => 'phc_recorded', webhookTokens: async () => [] },
    post: async (_destination, _key, events) => post(events),
    requestTimeoutMs: 1_000,
    deadLetters: { send: async () => {} },
    visibility: { extend: async () => [] },
    visibilityPolicy: { baseSeconds: 60, capSeconds: 900 },
    retry: { attempts: 3, baseMs: 1, capMs: 1 },
    sleep: async () => {},
    random: () => 0.5,
    now,
    safetyMarginMs: 0,
    logger,
    metrics: new Metrics({ namespace: 'Recorded', serviceName: 'forwarder' }),
  });
}

/** A forwarder logger at the deployed INFO level (test/support/env.ts silences loggers). */
function infoLogger(): Logger {
  const level = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  const logger = createLogger('forwarder');
  process.env.POWERTOOLS_LOG_LEVEL = level;
  return logger;
}

/**
 * The forwarder's own log lines for the two events above, written by the real handler at the deployed INFO level and
 * stored as CloudWatch Logs would store them in the forwarder's log group: the "recorded" side of the Logs Insights
 * fake. Only the lines' times are fixed, so the trace output is the same on every run.
 */
export async function recordForwarderLines(): Promise<StoredLine[]> {
  const logger = infoLogger();
  const lines: Array<Record<string, unknown>> = [];
  const untap = tapLogs((line) => lines.push(line));
  let invocation = 0;
  const answer = (events: readonly string[]): SendResult => {
    if (events.some((json) => json.includes(REFUSED.uuid)))
      return { ok: false, kind: 'rejected', status: 400, message: 'failed to parse request: invalid event', retryAfterMs: undefined };
    if (invocation === 0) return { ok: false, kind: 'retryable', status: 503, message: 'HTTP 503', retryAfterMs: undefined };
    return { ok: true, status: 200 };
  };
  const handler = forwarder(logger, answer, () => Date.parse(INVOCATIONS[invocation] ?? ''));
  const stored: StoredLine[] = [];
  const batches = [[recordOf(DELIVERED, 'm-1', 1)], [recordOf(REFUSED, 'm-2', 1)], [recordOf(DELIVERED, 'm-1', 2)]];
  try {
    for (const [index, records] of batches.entries()) {
      invocation = index;
      lines.length = 0;
      await handler({ Records: records }, { getRemainingTimeInMillis: () => 30_000 });
      const at = INVOCATIONS[index] ?? '';
      for (const line of lines)
        stored.push({ logGroup: LOG_GROUPS.forwarder, timestamp: Date.parse(at), message: JSON.stringify({ ...line, timestamp: at }) });
    }
  } finally {
    untap();
  }
  return stored;
}

/** The `events delivered` line the real forwarder writes for `count` events delivered in one invocation. */
export async function deliveredLine(count: number): Promise<string> {
  const logger = infoLogger();
  const lines: string[] = [];
  const untap = tapLogs((line) => lines.push(JSON.stringify(line)));
  const records = Array.from({ length: count }, (_, i) => {
    const uuid = `0193a0b0-7c1e-5000-8000-${i.toString(16).padStart(12, '0')}`;
    return recordOf(
      { ...DELIVERED, uuid, properties: { ...DELIVERED.properties, $insert_id: `a1b2${i.toString(16).padStart(4, '0')}` } },
      `m-${i}`,
      1,
    );
  });
  const handler = forwarder(
    logger,
    () => ({ ok: true, status: 200 }),
    () => Date.parse(INVOCATIONS[0] ?? ''),
  );
  try {
    await handler({ Records: records }, { getRemainingTimeInMillis: () => 30_000 });
  } finally {
    untap();
  }
  return lines.find((line) => line.includes('"events delivered"')) ?? '';
}
