import type { PostHogEvent } from './posthog-event.ts';
import type { SendResult } from './posthog-client.ts';
import { backoffDelay, type RetryPolicy } from './retry-policy.ts';

/** PostHog accepts 20 MB on /batch/; we stay at 5 MB of JSON per request (DESIGN.md, "Delivery semantics"). */
export const MAX_REQUEST_BYTES = 5 * 1024 * 1024;

export interface Delivery {
  /** The SQS message id. */
  id: string;
  event: PostHogEvent;
  destination: string;
}

export type DeliveryOutcome =
  | { status: 'delivered'; attempts: number }
  | { status: 'retry'; attempts: number; httpStatus: number | undefined; message: string; unauthorized: boolean }
  | { status: 'rejected'; attempts: number; httpStatus: number | undefined; message: string };

export interface DeliverDeps {
  send(destination: string, events: readonly PostHogEvent[]): Promise<SendResult>;
  retry: RetryPolicy;
  sleep(ms: number): Promise<void>;
  random(): number;
  now(): number;
  /** Epoch ms after which no new attempt may start (keeps the Lambda inside its timeout). */
  deadline: number;
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
  await Promise.all(chunks.map(({ destination, chunk }) => deliverChunk(destination, chunk, deps, outcomes)));
  return outcomes;
}

export function chunkBySize(items: readonly Delivery[], maxBytes = MAX_REQUEST_BYTES): Delivery[][] {
  const chunks: Delivery[][] = [];
  let current: Delivery[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item.event)) + 1;
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

async function deliverChunk(
  destination: string,
  chunk: Delivery[],
  deps: DeliverDeps,
  outcomes: Map<string, DeliveryOutcome>,
): Promise<void> {
  const events = chunk.map((item) => item.event);
  for (let attempt = 1; ; attempt++) {
    const result = await deps.send(destination, events);
    if (result.ok) {
      for (const item of chunk) outcomes.set(item.id, { status: 'delivered', attempts: attempt });
      return;
    }
    if (result.kind === 'rejected') {
      if (chunk.length === 1) {
        const only = chunk[0] as Delivery;
        outcomes.set(only.id, { status: 'rejected', attempts: attempt, httpStatus: result.status, message: result.message });
        return;
      }
      const middle = Math.ceil(chunk.length / 2);
      await deliverChunk(destination, chunk.slice(0, middle), deps, outcomes);
      await deliverChunk(destination, chunk.slice(middle), deps, outcomes);
      return;
    }
    const delay = backoffDelay(deps.retry, attempt, deps.random, result.retryAfterMs);
    if (attempt >= deps.retry.attempts || deps.now() + delay >= deps.deadline) {
      const outcome: DeliveryOutcome = {
        status: 'retry',
        attempts: attempt,
        httpStatus: result.status,
        message: result.message,
        unauthorized: result.kind === 'unauthorized',
      };
      for (const item of chunk) outcomes.set(item.id, outcome);
      return;
    }
    await deps.sleep(delay);
  }
}
