import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/**
 * Puts a fresh copy of records back on the main queue (same body and message attributes, so the same uuid and
 * bytes reach PostHog), to be deleted as handled. Used for records that failed only because PostHog was down or
 * refused the key and have been received almost `maxReceiveCount` times: a systemic failure must never move an
 * event to the DLQ (docs/operations.md, "Outages"). Rejects if SQS refuses any of them.
 */
export type Requeue = (records: readonly SQSRecord[], delaySeconds: number) => Promise<void>;

/** SQS allows a DelaySeconds of at most 15 minutes (SQS API reference, SendMessage). */
export const MAX_DELAY_SECONDS = 900;

export function createSqsRequeue(deps: { sqs: SQSClient; queueUrl: string }): Requeue {
  return async (records, delaySeconds) => {
    for (let i = 0; i < records.length; i += 10) {
      const group = records.slice(i, i + 10);
      const result = await deps.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: deps.queueUrl,
          Entries: group.map((record, j) => ({
            Id: `r${j}`,
            MessageBody: record.body,
            DelaySeconds: Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.round(delaySeconds))),
            MessageAttributes: Object.fromEntries(
              Object.entries(record.messageAttributes ?? {})
                .filter(([, v]) => v.stringValue !== undefined)
                .map(([name, v]) => [name, { DataType: v.dataType, StringValue: v.stringValue }]),
            ),
          })),
        }),
      );
      if ((result.Failed ?? []).length > 0) throw new Error(`SQS refused ${result.Failed?.length} re-queued message(s)`);
    }
  };
}
