import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { QUEUE_SETTINGS } from '#shared/queue/settings';
import { toSqsRecord } from '#shared/queue/sqs-record';
import { lambdaContext } from './lambda-context.ts';

export { toSqsRecord };

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface PollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  batchSize?: number;
  batchingWindowMs?: number;
  timeoutMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * The records Lambda deletes after a ReportBatchItemFailures response: all but the reported ones. A response that
 * names a message id not in the batch (or an empty one) is invalid, and Lambda then treats the whole batch as failed.
 */
export function succeededRecords(records: readonly SQSRecord[], response: SQSBatchResponse | null | undefined): SQSRecord[] {
  const failures = response?.batchItemFailures ?? [];
  const ids = new Set(records.map((r) => r.messageId));
  if (failures.some((f) => !f.itemIdentifier || !ids.has(f.itemIdentifier))) return [];
  const failed = new Set(failures.map((f) => f.itemIdentifier));
  return records.filter((r) => !failed.has(r.messageId));
}

/**
 * Plays the Lambda SQS event source mapping: long-polls, gathers up to `batchSize` messages within the batching
 * window, invokes the real forwarder handler and deletes only the records it did not report as failed.
 */
export function startPoller(options: PollerOptions): { stop(): Promise<void>; setEnabled(enabled: boolean): void; enabled(): boolean } {
  const batchSize = options.batchSize ?? QUEUE_SETTINGS.batchSize;
  const windowMs = options.batchingWindowMs ?? QUEUE_SETTINGS.batchingWindowSeconds * 1000;
  const timeoutMs = options.timeoutMs ?? QUEUE_SETTINGS.forwarderTimeoutSeconds * 1000;
  const abort = new AbortController();
  let running = true;
  // Like the event source mapping's Enabled flag: while off, nothing is received and the messages wait in SQS.
  let enabled = true;

  const receive = async (waitSeconds: number, max: number): Promise<Message[]> => {
    const result = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: waitSeconds,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
      { abortSignal: abort.signal },
    );
    return result.Messages ?? [];
  };

  const gather = async (): Promise<Message[]> => {
    const messages = await receive(1, batchSize);
    const windowEnd = Date.now() + windowMs;
    while (messages.length > 0 && messages.length < batchSize && Date.now() < windowEnd) {
      const more = await receive(0, batchSize - messages.length);
      if (more.length === 0) break;
      messages.push(...more);
    }
    return messages;
  };

  const invoke = async (messages: Message[]): Promise<void> => {
    const records = messages.map((m) => toSqsRecord(m, options.queueArn));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the forwarder did not return within its ${timeoutMs} ms timeout`)), timeoutMs);
    });
    let response: SQSBatchResponse;
    try {
      // Like Lambda: a timeout or a thrown error fails the whole batch (nothing is deleted).
      response = await Promise.race([options.handler({ Records: records }, lambdaContext('forwarder', timeoutMs)), timedOut]);
    } finally {
      clearTimeout(timer);
    }
    const done = succeededRecords(records, response);
    for (let i = 0; i < done.length; i += 10) {
      const entries = done.slice(i, i + 10).map((r, j) => ({ Id: `d${j}`, ReceiptHandle: r.receiptHandle }));
      await options.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: entries }));
    }
  };

  const loop = (async () => {
    while (running) {
      if (!enabled) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      try {
        const messages = await gather();
        if (messages.length > 0) await invoke(messages);
      } catch (error) {
        if (!running) break;
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  })();

  return {
    setEnabled: (value) => {
      enabled = value;
    },
    enabled: () => enabled,
    stop: async () => {
      running = false;
      abort.abort();
      await loop;
    },
  };
}
