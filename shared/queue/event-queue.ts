import { type SendMessageBatchRequestEntry, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { packBySize } from '../lib/pack.ts';
import { encodeMessage, MAX_MESSAGE_BYTES, type QueueMessage } from './message.ts';

const MAX_BATCH_ENTRIES = 10;

export interface EventQueue {
  /** Resolves once every message is queued; rejects with `QueueUnavailableError` otherwise. */
  enqueue(messages: readonly QueueMessage[]): Promise<void>;
}

export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailableError';
  /** Events the queue confirmed before the failure, of `total` (0 of 0 when unknown). */
  readonly queued: number;
  readonly total: number;
  constructor(message: string, options: { queued?: number; total?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.queued = options.queued ?? 0;
    this.total = options.total ?? 0;
  }
}

/** Splits entries into SendMessageBatch calls of at most 10 entries and 1 MiB. */
export const planBatches = (entries: readonly SendMessageBatchRequestEntry[], sizes: readonly number[]): SendMessageBatchRequestEntry[][] =>
  packBySize(entries, (_entry, i) => sizes[i] ?? 0, { maxBytes: MAX_MESSAGE_BYTES, maxItems: MAX_BATCH_ENTRIES });

/** One enqueue call waiting for the next flush: its entries and how it ends. */
interface Pending {
  entries: SendMessageBatchRequestEntry[];
  sizes: number[];
  done: (failure: unknown) => void;
}

/**
 * Queues with SendMessageBatch (calls in parallel); failed entries are retried once, then the enqueue fails naming
 * how many events were queued anyway. SQS has no transaction across calls, so a request is all or nothing in PostHog
 * rather than in the queue: the intake answers 503 naming what was queued, the resent request queues those events
 * again, and every event's uuid is a function of the request body alone, so PostHog keeps one copy of each
 * (docs/architecture.md, "Delivery semantics").
 *
 * Enqueues made in the same event-loop turn share SendMessageBatch calls (same section): a Lambda instance serves one
 * request at a time, so there each call still carries one request's events, while the local runner, which serves
 * many requests on one thread, makes one call for up to ten of them instead of one each. Every enqueue still
 * resolves or fails for its own events only.
 */
export function createSqsEventQueue(deps: { sqs: SQSClient; queueUrl: string }): EventQueue {
  const send = async (entries: SendMessageBatchRequestEntry[]): Promise<SendMessageBatchRequestEntry[]> => {
    const result = await deps.sqs.send(new SendMessageBatchCommand({ QueueUrl: deps.queueUrl, Entries: entries }));
    const failed = new Set((result.Failed ?? []).map((f) => f.Id));
    return entries.filter((e) => failed.has(e.Id));
  };
  const sendWithRetry = async (entries: SendMessageBatchRequestEntry[]): Promise<void> => {
    let pending: SendMessageBatchRequestEntry[];
    try {
      pending = await send(entries);
      if (pending.length > 0) pending = await send(pending);
    } catch (error) {
      throw new QueueUnavailableError('the queue did not accept the events', { cause: error });
    }
    if (pending.length > 0) throw new QueueUnavailableError(`the queue refused ${pending.length} event(s) twice`);
  };
  let waiting: Pending[] = [];
  const flush = async (group: Pending[]): Promise<void> => {
    // Entry ids must be distinct within one SendMessageBatch call: number them across the group.
    const ownerOf = new Map<string | undefined, Pending>();
    const entries: SendMessageBatchRequestEntry[] = [];
    for (const item of group) {
      for (const entry of item.entries) {
        const id = `m${entries.length}`;
        entries.push({ ...entry, Id: id });
        ownerOf.set(id, item);
      }
    }
    const batches = planBatches(
      entries,
      group.flatMap((item) => item.sizes),
    );
    const results = await Promise.allSettled(batches.map(sendWithRetry));
    const queued = new Map<Pending, number>();
    const failures = new Map<Pending, unknown>();
    results.forEach((result, b) => {
      for (const entry of batches[b] ?? []) {
        const item = ownerOf.get(entry.Id) as Pending;
        if (result.status === 'fulfilled') queued.set(item, (queued.get(item) ?? 0) + 1);
        else if (!failures.has(item)) failures.set(item, result.reason);
      }
    });
    for (const item of group) {
      const total = item.entries.length;
      const done = queued.get(item) ?? 0;
      item.done(
        failures.has(item)
          ? new QueueUnavailableError(`${done} of ${total} event(s) were queued before the failure; a retry queues them again`, {
              queued: done,
              total,
              cause: failures.get(item),
            })
          : undefined,
      );
    }
  };

  // Every waiting enqueue settles even if the flush itself fails (nothing in it is expected to throw: SQS failures are
  // settled results), so no request can wait forever on a promise nobody will settle.
  const flushWaiting = () => {
    const group = waiting;
    waiting = [];
    flush(group).catch((error: unknown) => {
      for (const item of group)
        item.done(new QueueUnavailableError('the events could not be sent to the queue', { total: item.entries.length, cause: error }));
    });
  };

  return {
    async enqueue(messages) {
      const encoded = messages.map(encodeMessage);
      await new Promise<void>((resolve, reject) => {
        if (waiting.length === 0) setImmediate(flushWaiting);
        waiting.push({
          entries: encoded.map((m, i) => ({ Id: `m${i}`, MessageBody: m.body, MessageAttributes: m.attributes })),
          sizes: encoded.map((m) => m.size),
          done: (failure) => (failure === undefined ? resolve() : reject(failure)),
        });
      });
    },
  };
}
