import {
  type MessageAttributeValue,
  type SendMessageBatchRequestEntry,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { packBySize } from '../lib/pack.ts';
import type { PostHogEvent } from '../posthog/event.ts';

/** SQS's message size limit (1 MiB since 2025); a batch call carries at most 10 entries and 1 MiB in all. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
const MAX_BATCH_ENTRIES = 10;

export type Origin = 'connector' | 'streams';

/** One SQS message = one mapped PostHog event, with where it goes and where it came from. */
export interface QueueMessage {
  event: PostHogEvent;
  destination: string;
  origin: Origin;
  receivedAt: string;
}

export const MESSAGE_ATTRIBUTES = { destination: 'destination', origin: 'origin', receivedAt: 'received_at' } as const;

export interface EventQueue {
  /** Resolves once every message is queued; rejects with `QueueUnavailableError` otherwise. */
  enqueue(messages: readonly QueueMessage[]): Promise<void>;
}

export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailableError';
}

const text = (StringValue: string): MessageAttributeValue => ({ DataType: 'String', StringValue });

export function encodeMessage(message: QueueMessage): { body: string; attributes: Record<string, MessageAttributeValue> } {
  return {
    body: JSON.stringify(message.event),
    attributes: {
      [MESSAGE_ATTRIBUTES.destination]: text(message.destination),
      [MESSAGE_ATTRIBUTES.origin]: text(message.origin),
      [MESSAGE_ATTRIBUTES.receivedAt]: text(message.receivedAt),
    },
  };
}

/** Bytes SQS counts for a message: body plus attribute names, types and values. */
export function messageSize(encoded: ReturnType<typeof encodeMessage>): number {
  let size = Buffer.byteLength(encoded.body);
  for (const [name, value] of Object.entries(encoded.attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(value.StringValue ?? '');
  }
  return size;
}

/** Splits entries into SendMessageBatch calls of at most 10 entries and 1 MiB. */
export const planBatches = (entries: readonly SendMessageBatchRequestEntry[], sizes: readonly number[]): SendMessageBatchRequestEntry[][] =>
  packBySize(entries, (_entry, i) => sizes[i] ?? 0, { maxBytes: MAX_MESSAGE_BYTES, maxItems: MAX_BATCH_ENTRIES });

/** Queues with SendMessageBatch (calls in parallel); failed entries are retried once, then the whole enqueue fails. */
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
      if (failure) throw failure.reason;
    },
  };
}
