import { type SendMessageBatchRequestEntry, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { packBySize } from '../lib/pack.ts';
import { encodeMessage, MAX_MESSAGE_BYTES, messageSize, type QueueMessage } from './message.ts';

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

/**
 * Queues with SendMessageBatch (calls in parallel); failed entries are retried once, then the enqueue fails naming
 * how many events were queued anyway. SQS has no transaction across calls, so a request is all or nothing in PostHog
 * rather than in the queue: the intake answers 503 naming what was queued, the resent request queues those events
 * again, and every event's uuid is a function of the request body alone, so PostHog keeps one copy of each
 * (docs/architecture.md, "Delivery semantics").
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
  return {
    async enqueue(messages) {
      const encoded = messages.map(encodeMessage);
      const entries = encoded.map((m, i) => ({ Id: `m${i}`, MessageBody: m.body, MessageAttributes: m.attributes }));
      const batches = planBatches(entries, encoded.map(messageSize));
      const results = await Promise.allSettled(batches.map(sendWithRetry));
      const failure = results.find((r) => r.status === 'rejected');
      if (!failure) return;
      const queued = results.reduce((n, r, i) => n + (r.status === 'fulfilled' ? (batches[i]?.length ?? 0) : 0), 0);
      throw new QueueUnavailableError(`${queued} of ${entries.length} event(s) were queued before the failure; a retry queues them again`, {
        queued,
        total: entries.length,
        cause: failure.reason,
      });
    },
  };
}
