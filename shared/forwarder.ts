import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeadLetterQueue, DeadLetterReason } from './dead-letter.ts';
import { type DeliverDeps, type Delivery, type DeliveryOutcome, deliverAll } from './deliver.ts';
import { MESSAGE_ATTRIBUTES } from './event-queue.ts';
import { count, countWithDimension } from './observability.ts';
import { type PostHogEvent, PostHogEventSchema } from './posthog-event.ts';
import type { SendResult } from './posthog-client.ts';
import type { Secrets } from './secrets.ts';

export interface ForwarderDeps extends Omit<DeliverDeps, 'send' | 'deadline'> {
  defaultDestination: string;
  secrets: Secrets;
  post(destination: string, apiKey: string, events: readonly PostHogEvent[]): Promise<SendResult>;
  deadLetters: DeadLetterQueue;
  logger: Logger;
  metrics: Metrics;
  /** Time kept free at the end of the invocation for reporting. */
  safetyMarginMs: number;
}

export class RetryableDeliveryError extends Error {
  override name = 'RetryableDeliveryError';
}

type Parsed = { ok: true; delivery: Delivery } | { ok: false; message: string };

export function parseRecord(record: SQSRecord, defaultDestination: string): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    return { ok: false, message: 'message body is not JSON' };
  }
  const event = PostHogEventSchema.safeParse(json);
  if (!event.success) return { ok: false, message: `message body is not a PostHog event: ${event.error.issues[0]?.message ?? ''}` };
  const destination = record.messageAttributes?.[MESSAGE_ATTRIBUTES.destination]?.stringValue ?? defaultDestination;
  return { ok: true, delivery: { id: record.messageId, event: event.data, destination } };
}

/**
 * Delivers an SQS batch to PostHog and reports partial failures: delivered and dead-lettered records succeed,
 * retryable ones come back in `batchItemFailures` (DESIGN.md, "Delivery semantics").
 */
export async function handleSqsBatch(event: SQSEvent, remainingMs: () => number, deps: ForwarderDeps): Promise<SQSBatchResponse> {
  const parsed = new Map(event.Records.map((record) => [record.messageId, parseRecord(record, deps.defaultDestination)]));
  const deliveries = [...parsed.values()].flatMap((p) => (p.ok ? [p.delivery] : []));
  const apiKey = deliveries.length > 0 ? await deps.secrets.posthogApiKey() : '';
  const outcomes = await deliverAll(deliveries, {
    ...deps,
    send: (destination, events) => deps.post(destination, apiKey, events),
    deadline: deps.now() + remainingMs() - deps.safetyMarginMs,
  });

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const parse = parsed.get(record.messageId);
    if (!parse?.ok) {
      await deadLetter(record, { reason: 'malformed', httpStatus: undefined, message: parse?.message ?? 'unreadable', attempts: 0 }, deps);
      return;
    }
    const outcome = outcomes.get(record.messageId);
    await settle(record, outcome, deps);
  };
  const processor = new BatchProcessor(EventType.SQS);
  return processPartialResponse(event, recordHandler, processor, { throwOnFullBatchFailure: false });
}

async function settle(record: SQSRecord, outcome: DeliveryOutcome | undefined, deps: ForwarderDeps): Promise<void> {
  if (outcome === undefined) throw new RetryableDeliveryError('no delivery attempt was made');
  if (outcome.status === 'delivered') {
    count(deps.metrics, 'Delivered');
    const receivedAt = Date.parse(record.messageAttributes?.[MESSAGE_ATTRIBUTES.receivedAt]?.stringValue ?? '');
    if (!Number.isNaN(receivedAt)) deps.metrics.addMetric('DeliveryLatency', MetricUnit.Milliseconds, Math.max(0, deps.now() - receivedAt));
    return;
  }
  if (outcome.status === 'rejected') {
    await deadLetter(
      record,
      { reason: 'rejected', httpStatus: outcome.httpStatus, message: outcome.message, attempts: outcome.attempts },
      deps,
    );
    return;
  }
  count(deps.metrics, 'Retried');
  if (outcome.unauthorized) count(deps.metrics, 'PostHogUnauthorized');
  deps.logger.warn('delivery will be retried', {
    message_id: record.messageId,
    http_status: outcome.httpStatus,
    reason: outcome.message,
    attempts: outcome.attempts,
  });
  throw new RetryableDeliveryError(`PostHog did not accept the event: ${outcome.message}`);
}

async function deadLetter(record: SQSRecord, reason: DeadLetterReason, deps: ForwarderDeps): Promise<void> {
  try {
    await deps.deadLetters.send(record, reason);
  } catch (error) {
    deps.logger.error('dead-lettering failed; the message will be retried', { message_id: record.messageId, error });
    throw new RetryableDeliveryError('could not dead-letter', { cause: error });
  }
  countWithDimension(deps.metrics, 'DeadLettered', 'reason', reason.reason);
  deps.logger.error('event dead-lettered', {
    message_id: record.messageId,
    reason: reason.reason,
    http_status: reason.httpStatus,
    message: reason.message,
  });
}
