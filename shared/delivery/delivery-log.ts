import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import type { DeadLetterReason } from './dead-letter.ts';
import type { Delivery, DeliveryOutcome } from './deliver.ts';
import { MESSAGE_ATTRIBUTES } from '../queue/message.ts';
import { loggableAnswer } from '../posthog/answer.ts';
import { type TraceKeys, traceKeys } from '../platform/trace-keys.ts';

/**
 * The forwarder's lines about single events, with the trace keys (uuid, insert_id, distinct_id hash) and the times
 * `npx moengage-posthog trace` and the saved Logs Insights queries read (docs/operations.md, "Trace one event").
 * Never an event's values: of PostHog's answer only its error class and length (shared/posthog/answer.ts).
 */
export const DELIVERY_LOG = {
  delivered: 'events delivered',
  retried: 'delivery will be retried',
  deadLettered: 'event dead-lettered',
} as const;

/** Delivered events per line: a CloudWatch Logs event holds at most 256 KB, and one entry takes about 190 bytes. */
export const DELIVERED_PER_LINE = 500;

/** Where an event stands when a line is written: ids, intake time and receive count (no values). */
function eventFields(record: SQSRecord, delivery: Delivery | undefined): Partial<TraceKeys> & Record<string, unknown> {
  return {
    ...(delivery && traceKeys(delivery.event)),
    received_at: record.messageAttributes?.[MESSAGE_ATTRIBUTES.receivedAt]?.stringValue,
    receive_count: Number(record.attributes.ApproximateReceiveCount),
  };
}

/**
 * One INFO line per invocation (per 500 events) naming every delivered event, so that a trace ends with "delivered"
 * at the default log level; it costs about 190 bytes per event (docs/operations.md, "Trace one event").
 */
export function logDelivered(logger: Logger, delivered: ReadonlyArray<{ record: SQSRecord; delivery: Delivery; attempts: number }>): void {
  for (let i = 0; i < delivered.length; i += DELIVERED_PER_LINE) {
    const events = delivered
      .slice(i, i + DELIVERED_PER_LINE)
      .map(({ record, delivery, attempts }) => ({ ...eventFields(record, delivery), attempts }));
    logger.info(DELIVERY_LOG.delivered, { http_status: 200, trace: events });
  }
}

export function logRetry(
  logger: Logger,
  record: SQSRecord,
  delivery: Delivery | undefined,
  outcome: Extract<DeliveryOutcome, { status: 'retry' }>,
): void {
  logger.warn(DELIVERY_LOG.retried, {
    message_id: record.messageId,
    ...eventFields(record, delivery),
    http_status: outcome.httpStatus,
    reason: loggableAnswer(outcome.message).posthog_message,
    attempts: outcome.attempts,
  });
}

export function logDeadLetter(logger: Logger, record: SQSRecord, delivery: Delivery | undefined, reason: DeadLetterReason): void {
  // `message` is a reserved key that Powertools drops: PostHog's error class goes under `posthog_message`.
  logger.error(DELIVERY_LOG.deadLettered, {
    message_id: record.messageId,
    ...eventFields(record, delivery),
    reason: reason.reason,
    http_status: reason.httpStatus,
    ...loggableAnswer(reason.message),
    attempts: reason.attempts,
  });
}
