import type { SendResult } from '../posthog/capture-client.ts';
import type { PostHogEvent } from '../posthog/event.ts';
import { packBySize } from '../lib/pack.ts';
import { backoffDelay, type RetryPolicy } from '../lib/retry-policy.ts';
import type { Tracer } from '@opentelemetry/api';
import { deliveryTracer, traceRequest } from './request-span.ts';

/** PostHog accepts 20 MB on /batch/; we stay at 5 MB of JSON per request (docs/architecture.md, "Delivery semantics"). */
export const MAX_REQUEST_BYTES = 5 * 1024 * 1024;
/** No request is started with less time than this before the deadline: it could not finish anyway. */
export const MIN_REQUEST_MS = 250;

export interface Delivery {
  /** The SQS message id. */
  id: string;
  event: PostHogEvent;
  /** The event exactly as queued (the SQS message body); sent verbatim so every resend is byte-identical. */
  json: string;
  destination: string;
}

export type DeliveryOutcome =
  | { status: 'delivered'; attempts: number }
  | {
      status: 'retry';
      /** Requests that carried this event in this invocation. */
      attempts: number;
      httpStatus: number | undefined;
      message: string;
      unauthorized: boolean;
      retryAfterMs: number | undefined;
    }
  | { status: 'rejected'; attempts: number; httpStatus: number | undefined; message: string };

export interface DeliverDeps {
  /** One request; `timeoutMs` already accounts for the deadline. */
  send(destination: string, eventJson: readonly string[], timeoutMs: number): Promise<SendResult>;
  retry: RetryPolicy;
  /** Timeout of one request when the deadline is further away. */
  requestTimeoutMs: number;
  sleep(ms: number): Promise<void>;
  random(): number;
  now(): number;
  /** Epoch ms after which no request may still be running (keeps the Lambda inside its timeout). */
  deadline: number;
  /** Sees every response (for metrics). */
  observe?(result: SendResult): void;
  /** Records each request as a span (request-span.ts); default: OpenTelemetry's global tracer, a no-op unless traced. */
  tracer?: Tracer;
}

/** Delivers every item and says what happened to each; items are grouped by destination and chunked by size. */
export async function deliverAll(items: readonly Delivery[], deps: DeliverDeps): Promise<Map<string, DeliveryOutcome>> {
  const outcomes = new Map<string, DeliveryOutcome>();
  const groups = new Map<string, Delivery[]>();
  for (const item of items) {
    const group = groups.get(item.destination);
    if (group) group.push(item);
    else groups.set(item.destination, [item]);
  }
  const chunks = [...groups.entries()].flatMap(([destination, group]) => chunkBySize(group).map((chunk) => ({ destination, chunk })));
  await Promise.all(chunks.map(({ destination, chunk }) => deliverChunk(destination, chunk, deps, outcomes, 0)));
  return outcomes;
}

export const chunkBySize = (items: readonly Delivery[], maxBytes = MAX_REQUEST_BYTES): Delivery[][] =>
  packBySize(items, (item) => Buffer.byteLength(item.json) + 1, { maxBytes });

/**
 * Retries a chunk in a loop (backoff with full jitter, Retry-After honoured, deadline respected); a 400/413 on
 * several events splits the chunk in halves until the refused event is alone (`carried` = requests so far).
 */
async function deliverChunk(
  destination: string,
  chunk: Delivery[],
  deps: DeliverDeps,
  outcomes: Map<string, DeliveryOutcome>,
  carried: number,
): Promise<void> {
  const json = chunk.map((item) => item.json);
  const tracer = deps.tracer ?? deliveryTracer();
  let last: Extract<SendResult, { ok: false }> | undefined;
  const giveUp = (attempts: number, reason?: string): void => {
    const outcome: DeliveryOutcome = {
      status: 'retry',
      attempts,
      httpStatus: last?.status,
      message: reason ?? last?.message ?? 'not attempted',
      unauthorized: last?.kind === 'unauthorized',
      retryAfterMs: last?.retryAfterMs,
    };
    for (const item of chunk) outcomes.set(item.id, outcome);
  };
  for (let attempt = 1; ; attempt++) {
    const timeLeft = deps.deadline - deps.now();
    if (timeLeft < MIN_REQUEST_MS) {
      giveUp(carried + attempt - 1, last ? `${last.message}; no time left in this invocation` : 'no time left in this invocation');
      return;
    }
    const facts = { destination, json, attempt: carried + attempt };
    const result = await traceRequest(tracer, facts, () => deps.send(destination, json, Math.min(deps.requestTimeoutMs, timeLeft)));
    deps.observe?.(result);
    if (result.ok) {
      for (const item of chunk) outcomes.set(item.id, { status: 'delivered', attempts: carried + attempt });
      return;
    }
    last = result;
    if (result.kind === 'rejected') {
      if (chunk.length === 1) {
        const only = chunk[0] as Delivery;
        outcomes.set(only.id, { status: 'rejected', attempts: carried + attempt, httpStatus: result.status, message: result.message });
        return;
      }
      const middle = Math.ceil(chunk.length / 2);
      await deliverChunk(destination, chunk.slice(0, middle), deps, outcomes, carried + attempt);
      await deliverChunk(destination, chunk.slice(middle), deps, outcomes, carried + attempt);
      return;
    }
    // A wrong key is not fixed within seconds: hand the events back to the queue at once.
    if (result.kind === 'unauthorized') {
      giveUp(carried + attempt);
      return;
    }
    const delay = backoffDelay(deps.retry, attempt, deps.random, result.retryAfterMs);
    if (attempt >= deps.retry.attempts || deps.now() + delay + MIN_REQUEST_MS > deps.deadline) {
      giveUp(carried + attempt);
      return;
    }
    await deps.sleep(delay);
  }
}
