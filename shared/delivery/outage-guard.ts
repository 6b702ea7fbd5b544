import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import type { DeliveryOutcome } from './deliver.ts';
import type { DeliverySwitch } from './delivery-switch.ts';
import {
  afterBatch,
  DELIVERING,
  type DeliveryState,
  describeState,
  type OutageSettings,
  pausedVisibilitySeconds,
  systemicCause,
} from './outage.ts';
import type { Requeue } from './requeue.ts';
import { countWithDimension } from '../platform/observability.ts';

/** What the forwarder needs for the circuit breaker (docs/operations.md, "Outages"). */
export interface OutageGuard {
  switch: DeliverySwitch;
  settings: OutageSettings;
  requeue: Requeue;
  /** The queue's maxReceiveCount: a record that failed only systemically is re-queued one receive before it. */
  maxReceiveCount: number;
}

interface GuardDeps {
  logger: Logger;
  metrics: Metrics;
  now(): number;
}

/** The breaker state; if it cannot be read, delivery goes on (a broken store must not stop delivery). */
export async function readState(guard: OutageGuard, logger: Logger): Promise<DeliveryState> {
  try {
    return await guard.switch.read();
  } catch (error) {
    logger.warn('could not read the delivery state; delivering', { error });
    return DELIVERING;
  }
}

/** The outcome of every record of a batch received while paused: handed back, nothing sent. */
export const pausedOutcome = (state: Extract<DeliveryState, { status: 'paused' }>): DeliveryOutcome => ({
  status: 'retry',
  attempts: 0,
  httpStatus: undefined,
  message: `delivery paused: ${describeState(state)}`,
  unauthorized: state.cause === 'key_refused',
  retryAfterMs: undefined,
});

/** Pauses delivery when the whole batch failed systemically; returns the state the rest of the batch follows. */
export async function recordBatch(
  guard: OutageGuard,
  state: DeliveryState,
  outcomes: readonly (DeliveryOutcome | undefined)[],
  deps: GuardDeps,
): Promise<DeliveryState> {
  const next = afterBatch(state, outcomes, deps.now(), guard.settings);
  if (next === state || next.status !== 'paused') return next;
  try {
    await guard.switch.write(next);
  } catch (error) {
    deps.logger.error('could not pause delivery; records are retried one by one', { error });
    return state;
  }
  countWithDimension(deps.metrics, 'DeliveryPaused', 'cause', next.cause);
  deps.logger.error('delivery paused', { cause: next.cause, state: describeState(next) });
  return next;
}

/**
 * A record that failed only because PostHog was down or refused the key, one receive before SQS would move it to
 * the DLQ, is re-queued as a fresh message (same body, so the same uuid) and reported as handled. True when done.
 */
export async function requeueIfExhausted(
  guard: OutageGuard,
  record: SQSRecord,
  outcome: DeliveryOutcome | undefined,
  state: DeliveryState,
  deps: GuardDeps,
): Promise<boolean> {
  const cause = systemicCause(outcome);
  if (cause === undefined) return false;
  const receives = Number(record.attributes.ApproximateReceiveCount);
  if (!(receives >= guard.maxReceiveCount - 1)) return false;
  const delay = state.status === 'paused' ? pausedVisibilitySeconds(state, deps.now(), guard.settings) : guard.settings.retryBaseSeconds;
  await guard.requeue([record], delay);
  countWithDimension(deps.metrics, 'Requeued', 'cause', cause);
  return true;
}
