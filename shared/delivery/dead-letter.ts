import { type MessageAttributeValue, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { MESSAGE_ATTRIBUTES } from '../queue/message.ts';

export interface DeadLetterReason {
  /** `rejected`: PostHog refused the event alone with 400/413; `malformed`: the message is not a PostHog event. */
  reason: 'rejected' | 'malformed';
  httpStatus: number | undefined;
  /** PostHog's answer (or why the message could not be read). */
  message: string;
  /** Requests to PostHog that carried the event in the invocation that dead-lettered it. */
  attempts: number;
}

export interface DeadLetterQueue {
  /** Copies the record to the DLQ with the reason as message attributes; rejects if SQS refuses. */
  send(record: SQSRecord, reason: DeadLetterReason): Promise<void>;
}

/** Attributes the forwarder adds; SQS allows 10 per message, the 3 carried ones included. See docs/operations.md. */
export const DLQ_ATTRIBUTES = {
  reason: 'dlq_reason',
  httpStatus: 'dlq_http_status',
  message: 'dlq_message',
  attempts: 'dlq_attempts',
  receiveCount: 'dlq_receive_count',
  firstSeen: 'dlq_first_seen',
  sourceMessageId: 'dlq_source_message_id',
} as const;

const MAX_REASON_CHARS = 1000;
const text = (StringValue: string): MessageAttributeValue => ({ DataType: 'String', StringValue });

/**
 * The record's own attributes (destination, origin, received_at), as SendMessage expects them. Only those are
 * carried: a redriven message that fails again gets fresh dlq_* attributes rather than a second set.
 */
export function carriedAttributes(record: SQSRecord): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const name of Object.values(MESSAGE_ATTRIBUTES)) {
    const value = record.messageAttributes?.[name]?.stringValue;
    if (value !== undefined) out[name] = text(value);
  }
  return out;
}

const isoOrNone = (epochMs: string | undefined): string => {
  const ms = Number(epochMs);
  return epochMs !== undefined && Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : 'none';
};

/** The attributes that explain why a record was dead-lettered. */
export function deadLetterAttributes(record: SQSRecord, reason: DeadLetterReason): Record<string, MessageAttributeValue> {
  return {
    ...carriedAttributes(record),
    [DLQ_ATTRIBUTES.reason]: text(reason.reason),
    [DLQ_ATTRIBUTES.httpStatus]: text(String(reason.httpStatus ?? 'none')),
    [DLQ_ATTRIBUTES.message]: text(reason.message.slice(0, MAX_REASON_CHARS) || 'none'),
    [DLQ_ATTRIBUTES.attempts]: text(String(reason.attempts)),
    [DLQ_ATTRIBUTES.receiveCount]: text(record.attributes.ApproximateReceiveCount || 'none'),
    [DLQ_ATTRIBUTES.firstSeen]: text(isoOrNone(record.attributes.ApproximateFirstReceiveTimestamp)),
    [DLQ_ATTRIBUTES.sourceMessageId]: text(record.messageId),
  };
}

/** The forwarder dead-letters permanent failures itself, at once, rather than after maxReceiveCount receives. */
export function createDeadLetterQueue(deps: { sqs: SQSClient; dlqUrl: string }): DeadLetterQueue {
  return {
    async send(record, reason) {
      await deps.sqs.send(
        new SendMessageCommand({
          QueueUrl: deps.dlqUrl,
          MessageBody: record.body,
          MessageAttributes: deadLetterAttributes(record, reason),
        }),
      );
    },
  };
}
