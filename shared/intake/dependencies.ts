import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Config } from '../platform/config.ts';
import { type EventQueue, QueueUnavailableError } from '../queue/event-queue.ts';
import { type HttpResponse, json, rejected } from './http-response.ts';
import type { SendResult } from '../posthog/capture-client.ts';
import type { PostHogEvent } from '../posthog/event.ts';
import type { KeyCheck } from '../posthog/key-check.ts';
import type { Secrets } from '../platform/secrets.ts';
import type { FieldIssue } from '../mapping/warnings.ts';

/** Synchronous delivery for `?verify=1` (the forwarder's PostHog client and the flags-endpoint key check). */
export interface PostHogVerifier {
  post(destination: string, apiKey: string, events: readonly PostHogEvent[]): Promise<SendResult>;
  checkKey(destination: string, apiKey: string): Promise<KeyCheck>;
}

export interface IntakeDeps {
  config: Pick<Config, 'posthogHost' | 'maxBodyBytes' | 'strict' | 'personlessEvents' | 'streams'>;
  secrets: Secrets;
  queue: EventQueue;
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
  libVersion: string;
  /** Without it, `?verify=1` answers 503. */
  verify?: PostHogVerifier;
}

/** What a route decided: the response, and what the one log line and the metrics say about it. */
export interface Outcome {
  response: HttpResponse;
  outcome: 'ok' | 'queued' | 'dry_run' | 'verified' | 'rejected' | 'failed';
  /** Why a request was not accepted (the Rejected metric's dimension). */
  reason?: string;
  /** Extra log fields: counts, paths and ids only, never values, tokens or keys. */
  log?: Record<string, unknown>;
}

/**
 * Refusals of what MoEngage itself sent: 4xx answers to requests that carried a valid token, and Streams events
 * listed as rejected in a 200. Scanners of the public URL (401, 404) do not count, so an alarm on it
 * (RejectedRequests, docs/operations.md) means a broken template or mapping, not noise.
 */
export const REJECTED_AFTER_AUTH = 'RejectedAfterAuth';

/** A 4xx with `{status:'rejected', errors}`; the log line gets the error paths (never the messages, which may quote values). */
export const reject = (status: number, reason: string, errors: FieldIssue[], log: Record<string, unknown> = {}): Outcome => ({
  response: rejected(status, errors),
  outcome: 'rejected',
  reason,
  log: { error_paths: errors.map((e) => e.path), ...log },
});

/** 503 with Retry-After: an infrastructure dependency failed and nothing was accepted. */
export function unavailable(reason: string, message: string, error: unknown): Outcome {
  return {
    response: json(503, { status: 'unavailable', message: `${message}; nothing was accepted` }, { 'retry-after': '5' }),
    outcome: 'failed',
    reason,
    log: { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) },
  };
}

/**
 * 503 for a failed enqueue. When some events were queued before the failure the answer says how many instead of
 * "nothing was accepted": a resend of the same request maps to the same uuids, so PostHog keeps one copy of those.
 */
export function queueUnavailable(error: unknown, log: Record<string, unknown> = {}): Outcome {
  const outcome = unavailable('queue_unavailable', 'the queue is unavailable; retry later', error);
  if (!(error instanceof QueueUnavailableError) || error.queued === 0) return { ...outcome, log: { ...outcome.log, ...log } };
  const message =
    `the queue failed after ${error.queued} of ${error.total} event(s) were queued; resend the same request: ` +
    'it maps to the same uuids, so PostHog keeps one copy of each event queued twice';
  return {
    ...outcome,
    response: json(503, { status: 'unavailable', message, queued: error.queued }, { 'retry-after': '5' }),
    log: { ...outcome.log, ...log, queued: error.queued },
  };
}
