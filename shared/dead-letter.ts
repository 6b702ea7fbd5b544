import { type MessageAttributeValue, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

export interface DeadLetterReason {
  reason: 'rejected' | 'malformed';
  httpStatus: number | undefined;
  message: string;
  attempts: number;
}

export interface DeadLetterQueue {
  /** Copies the record to the DLQ with the reason as message attributes; rejects if SQS refuses. */
  send(record: SQSRecord, reason: DeadLetterReason): Promise<void>;
}

const text = (StringValue: string): MessageAttributeValue => ({ DataType: 'String', StringValue });

/** The record's own attributes, as SendMessage expects them. */
export function carriedAttributes(record: SQSRecord): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    if (value.stringValue !== undefined) out[name] = text(value.stringValue);
  }
  return out;
}

/** The forwarder dead-letters permanent failures itself, at once, rather than after maxReceiveCount receives. */
export function createDeadLetterQueue(deps: { sqs: SQSClient; dlqUrl: string }): DeadLetterQueue {
  return {
    async send(record, reason) {
      await deps.sqs.send(
        new SendMessageCommand({
          QueueUrl: deps.dlqUrl,
          MessageBody: record.body,
          MessageAttributes: {
            ...carriedAttributes(record),
            dlq_reason: text(reason.reason),
            dlq_http_status: text(String(reason.httpStatus ?? 'none')),
            dlq_message: text(reason.message.slice(0, 1000) || 'none'),
            dlq_attempts: text(String(reason.attempts)),
            dlq_first_seen: text(new Date(Number(record.attributes.ApproximateFirstReceiveTimestamp)).toISOString()),
            dlq_source_message_id: text(record.messageId),
          },
        }),
      );
    },
  };
}
