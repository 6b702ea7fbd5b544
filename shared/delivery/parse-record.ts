import type { SQSRecord } from 'aws-lambda';
import { decodeBody, MESSAGE_ATTRIBUTES } from '../queue/message.ts';
import { PostHogEventSchema } from '../posthog/event.ts';
import type { Delivery } from './deliver.ts';

type Parsed = { ok: true; delivery: Delivery } | { ok: false; message: string };

/**
 * Reads one SQS record: its body must be one PostHog event (queued with `\u` escapes, decoded here to the exact JSON
 * the mapper made), and its destination the configured one: the project key is never sent to a host that a queued
 * message names (such a message is dead-lettered as malformed).
 */
export function parseRecord(record: SQSRecord, defaultDestination: string): Parsed {
  let json: unknown;
  let text: string;
  try {
    ({ value: json, json: text } = decodeBody(record.body));
  } catch {
    return { ok: false, message: 'message body is not JSON' };
  }
  const event = PostHogEventSchema.safeParse(json);
  if (!event.success) return { ok: false, message: `message body is not a PostHog event: ${event.error.issues[0]?.message ?? ''}` };
  const extra = ['sent_at', 'offset'].filter((key) => Object.hasOwn(json as object, key));
  if (extra.length > 0) return { ok: false, message: `message body carries ${extra.join(', ')}, which would shift its timestamp` };
  const destination = record.messageAttributes?.[MESSAGE_ATTRIBUTES.destination]?.stringValue ?? defaultDestination;
  if (destination !== defaultDestination)
    return { ok: false, message: 'message names a destination that is not the configured PostHog host' };
  return { ok: true, delivery: { id: record.messageId, event: event.data, json: text, destination } };
}
