import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeadLetterQueue, DeadLetterReason } from './dead-letter.ts';
import { type DeliverDeps, type Delivery, type DeliveryOutcome, deliverAll } from './deliver.ts';
import { MESSAGE_ATTRIBUTES } from '../queue/message.ts';
import { logDeadLetter, logDelivered, logRetry } from './delivery-log.ts';
import { parseRecord } from './parse-record.ts';
import { count, countWithDimension } from '../platform/observability.ts';
import type { SendResult } from '../posthog/capture-client.ts';
import type { Secrets } from '../platform/secrets.ts';
import { retryVisibilitySeconds, type VisibilityController, type VisibilityPolicy } from './visibility.ts';
import { type OutageGuard, pausedOutcome, readState, recordBatch, requeueIfExhausted } from './outage-guard.ts';
import { DELIVERING, type DeliveryState, pausedVisibilitySeconds } from './outage.ts';

export interface ForwarderDeps extends Omit<DeliverDeps, 'send' | 'deadline' | 'observe'> {
  defaultDestination: string;
  secrets: Secrets;
  /** One POST of already-serialised events; see `postRawBatch`. */
  post(destination: string, apiKey: string, eventJson: readonly string[], timeoutMs: number): Promise<SendResult>;
  deadLetters: DeadLetterQueue;
  visibility: VisibilityController;
  visibilityPolicy: VisibilityPolicy;
  logger: Logger;
  metrics: Metrics;
  /** Time kept free at the end of the invocation for dead-lettering, visibility changes and the response. */
  safetyMarginMs: number;
  /** The circuit breaker; without it every failure is retried per record only. */
  outage?: OutageGuard;
}

export type SqsHandler = (event: SQSEvent, context: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<SQSBatchResponse>;

export class RetryableDeliveryError extends Error {
  override name = 'RetryableDeliveryError';
}

/** The Lambda handler: delivers, then publishes this invocation's metrics. */
export function createForwarderHandler(deps: ForwarderDeps): SqsHandler {
  return async (event, context) => {
    try {
      return await handleSqsBatch(event, () => context.getRemainingTimeInMillis(), deps);
    } finally {
      if (deps.metrics.hasStoredMetrics()) deps.metrics.publishStoredMetrics();
    }
  };
}

/**
 * Delivers an SQS batch to PostHog and reports partial failures: delivered and dead-lettered records succeed,
 * retryable ones come back in `batchItemFailures` with their visibility lengthened (docs/architecture.md, "Delivery semantics").
 */
export async function handleSqsBatch(event: SQSEvent, remainingMs: () => number, deps: ForwarderDeps): Promise<SQSBatchResponse> {
  const deadline = deps.now() + remainingMs() - deps.safetyMarginMs;
  const parsed = new Map(event.Records.map((record) => [record.messageId, parseRecord(record, deps.defaultDestination)]));
  const deliveries = [...parsed.values()].flatMap((p) => (p.ok ? [p.delivery] : []));
  const statuses = new Map<string, number>();
  const observe = (result: SendResult): void => {
    const code = result.ok ? String(result.status) : String(result.status ?? result.failure ?? 'network');
    statuses.set(code, (statuses.get(code) ?? 0) + 1);
  };
  const state = deps.outage ? await readState(deps.outage, deps.logger) : DELIVERING;
  // While paused no request reaches PostHog: the records go back to wait for the prober's verdict.
  const outcomes =
    state.status === 'paused'
      ? new Map(deliveries.map((d) => [d.id, pausedOutcome(state)]))
      : await deliverWithKey(deliveries, { ...deps, observe, deadline });
  const after = deps.outage ? await recordBatch(deps.outage, state, [...outcomes.values()], deps) : state;

  const tally: Tally = { delivered: [], retried: 0 };
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const parse = parsed.get(record.messageId);
    if (!parse?.ok) {
      const reason = { reason: 'malformed', httpStatus: undefined, message: parse?.message ?? 'unreadable', attempts: 0 } as const;
      await deadLetter(record, undefined, reason, deps);
      return;
    }
    const outcome = outcomes.get(record.messageId);
    if (deps.outage && (await requeueIfExhausted(deps.outage, record, outcome, after, deps))) return;
    try {
      await settle(record, parse.delivery, outcome, deps, tally);
    } catch (error) {
      tally.retried++;
      throw error;
    }
  };
  const processor = new BatchProcessor(EventType.SQS);
  const response = await processPartialResponse(event, recordHandler, processor, { throwOnFullBatchFailure: false });
  await lengthenVisibility(event.Records, response, outcomes, deps, after);

  logDelivered(deps.logger, tally.delivered);
  count(deps.metrics, 'Delivered', tally.delivered.length);
  count(deps.metrics, 'Retried', tally.retried);
  count(deps.metrics, 'PostHogUnauthorized', (statuses.get('401') ?? 0) + (statuses.get('403') ?? 0));
  for (const [code, n] of statuses) countWithDimension(deps.metrics, 'PostHogStatus', 'code', code, n);
  return response;
}

async function deliverWithKey(
  deliveries: Delivery[],
  deps: ForwarderDeps & Pick<DeliverDeps, 'observe' | 'deadline'>,
): Promise<Map<string, DeliveryOutcome>> {
  if (deliveries.length === 0) return new Map();
  let apiKey: string;
  try {
    apiKey = await deps.secrets.posthogApiKey();
  } catch (error) {
    deps.logger.error('could not read the PostHog API key; the batch will be retried', { error });
    const outcome: DeliveryOutcome = {
      status: 'retry',
      attempts: 0,
      httpStatus: undefined,
      message: 'could not read the PostHog API key',
      unauthorized: false,
      retryAfterMs: undefined,
    };
    return new Map(deliveries.map((d) => [d.id, outcome]));
  }
  return deliverAll(deliveries, { ...deps, send: (destination, json, timeoutMs) => deps.post(destination, apiKey, json, timeoutMs) });
}

type Tally = { delivered: Array<{ record: SQSRecord; delivery: Delivery; attempts: number }>; retried: number };

async function settle(record: SQSRecord, delivery: Delivery, outcome: DeliveryOutcome | undefined, deps: ForwarderDeps, tally: Tally) {
  if (outcome === undefined) throw new RetryableDeliveryError('no delivery attempt was made');
  if (outcome.status === 'delivered') {
    tally.delivered.push({ record, delivery, attempts: outcome.attempts });
    const receivedAt = Date.parse(record.messageAttributes?.[MESSAGE_ATTRIBUTES.receivedAt]?.stringValue ?? '');
    if (!Number.isNaN(receivedAt)) deps.metrics.addMetric('DeliveryLatency', MetricUnit.Milliseconds, Math.max(0, deps.now() - receivedAt));
    return;
  }
  if (outcome.status === 'rejected') {
    const reason = { reason: 'rejected', httpStatus: outcome.httpStatus, message: outcome.message, attempts: outcome.attempts } as const;
    await deadLetter(record, delivery, reason, deps);
    return;
  }
  logRetry(deps.logger, record, delivery, outcome);
  throw new RetryableDeliveryError(`PostHog did not accept the event: ${outcome.message}`);
}

async function deadLetter(record: SQSRecord, delivery: Delivery | undefined, reason: DeadLetterReason, deps: ForwarderDeps): Promise<void> {
  try {
    await deps.deadLetters.send(record, reason);
  } catch (error) {
    deps.logger.error('dead-lettering failed; the message will be retried', { message_id: record.messageId, error });
    throw new RetryableDeliveryError('could not dead-letter', { cause: error });
  }
  countWithDimension(deps.metrics, 'DeadLettered', 'reason', reason.reason);
  logDeadLetter(deps.logger, record, delivery, reason);
}

/** Every record handed back to SQS waits longer the more often it was received (and at least Retry-After). */
async function lengthenVisibility(
  records: readonly SQSRecord[],
  response: SQSBatchResponse,
  outcomes: Map<string, DeliveryOutcome>,
  deps: ForwarderDeps,
  state: DeliveryState,
): Promise<void> {
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const changes = records
    .filter((record) => failed.has(record.messageId))
    .map((record) => {
      const outcome = outcomes.get(record.messageId);
      const retryAfterMs = outcome?.status === 'retry' ? outcome.retryAfterMs : undefined;
      const receiveCount = Number(record.attributes.ApproximateReceiveCount);
      return {
        id: record.messageId,
        receiptHandle: record.receiptHandle,
        seconds:
          state.status === 'paused' && deps.outage
            ? pausedVisibilitySeconds(state, deps.now(), deps.outage.settings)
            : retryVisibilitySeconds(deps.visibilityPolicy, receiveCount, deps.random, retryAfterMs),
      };
    });
  if (changes.length === 0) return;
  const refused = await deps.visibility.extend(changes);
  if (refused.length > 0) {
    deps.logger.warn('could not lengthen the visibility of some records; they return after the queue default', { refused });
  }
}
