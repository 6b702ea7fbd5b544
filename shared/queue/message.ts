import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { PostHogEvent } from '../posthog/event.ts';

/** SQS's message size limit (1 MiB since 2025); a batch call carries at most 10 entries and 1 MiB in all. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export type Origin = 'connector' | 'streams';

/** One SQS message = one mapped PostHog event, with where it goes and where it came from. */
export interface QueueMessage {
  readonly event: PostHogEvent;
  readonly destination: string;
  readonly origin: Origin;
  readonly receivedAt: string;
}

export const MESSAGE_ATTRIBUTES = { destination: 'destination', origin: 'origin', receivedAt: 'received_at' } as const;

export interface EncodedMessage {
  readonly body: string;
  readonly attributes: Record<string, MessageAttributeValue>;
  /** Bytes SQS counts for the message: body plus attribute names, types and values (measured once, when encoded). */
  readonly size: number;
}

/**
 * UTF-16 code units a message body may not hold. SQS accepts only #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD |
 * #x10000–#x10FFFF (SendMessage, MessageBody: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html);
 * fauxqs (the local queue) tests the body's UTF-16 code units against the same ranges without the last one
 * (fauxqs/dist/sqs/sqsTypes.js, INVALID_MESSAGE_BODY_CHAR), so it refuses every character above U+FFFF. Escaping each
 * surrogate code unit covers both; `JSON.stringify` already escapes everything below U+0020, so what remains to
 * escape is U+FFFE, U+FFFF and the surrogates. Outside strings JSON text holds only ASCII, so every match sits
 * inside a string, where a `\u` escape means the same character.
 */
const REFUSED_BY_QUEUE = /[\uD800-\uDFFF\uFFFE\uFFFF]/g;
const escapeUnit = (unit: string): string => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** The event as JSON with `\u` escapes for what the queue refuses: it decodes to exactly the same values. */
export const encodeBody = (event: unknown): string => JSON.stringify(event).replace(REFUSED_BY_QUEUE, escapeUnit);

/** A queued body back to its value and the exact JSON the mapper produced (`JSON.stringify` of that value). */
export function decodeBody(body: string): { value: unknown; json: string } {
  const value = JSON.parse(body) as unknown;
  return { value, json: JSON.stringify(value) };
}

const text = (StringValue: string): MessageAttributeValue => ({ DataType: 'String', StringValue });

/**
 * Encodings made so far, by message: the intake's size check and the queue's send encode the same message object,
 * and a message is never changed once built, so the second encoding (a JSON.stringify of the event) is a lookup.
 */
const encodings = new WeakMap<QueueMessage, EncodedMessage>();

export function encodeMessage(message: QueueMessage): EncodedMessage {
  const known = encodings.get(message);
  if (known) return known;
  const body = encodeBody(message.event);
  const attributes = {
    [MESSAGE_ATTRIBUTES.destination]: text(message.destination),
    [MESSAGE_ATTRIBUTES.origin]: text(message.origin),
    [MESSAGE_ATTRIBUTES.receivedAt]: text(message.receivedAt),
  };
  const encoded = { body, attributes, size: messageSize({ body, attributes }) };
  encodings.set(message, encoded);
  return encoded;
}

/** Bytes SQS counts for a message: body plus attribute names, types and values. */
export function messageSize({ body, attributes }: Pick<EncodedMessage, 'body' | 'attributes'>): number {
  let size = Buffer.byteLength(body);
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(value.StringValue ?? '');
  }
  return size;
}

/** The queue's one size check: undefined when the message fits, else a message naming its size and the limit. */
export function sizeProblem(message: QueueMessage): string | undefined {
  const { size } = encodeMessage(message);
  if (size <= MAX_MESSAGE_BYTES) return undefined;
  return `maps to an event of ${size} bytes once queued; one event may take at most ${MAX_MESSAGE_BYTES} bytes`;
}
