import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';

/** A dead-lettered message, described for an operator (pure; see shared/delivery/dead-letter.ts for the attributes). */
export interface DeadLetterView {
  messageId: string;
  event: string | undefined;
  distinctId: string | undefined;
  uuid: string | undefined;
  timestamp: string | undefined;
  /** `rejected`, `malformed` (set by the forwarder) or `max_receives` (moved by SQS's redrive policy). */
  reason: string;
  httpStatus: number | undefined;
  message: string | undefined;
  attempts: number | undefined;
  firstSeen: string | undefined;
  sourceMessageId: string | undefined;
  destination: string | undefined;
  receivedAt: string | undefined;
}

const attr = (m: Message, name: string): string | undefined => m.MessageAttributes?.[name]?.StringValue;
const num = (value: string | undefined): number | undefined => {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) ? n : undefined;
};
const text = (value: unknown): string | undefined => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);

export function describeDeadLetter(m: Message): DeadLetterView {
  let event: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(m.Body ?? '');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) event = parsed as Record<string, unknown>;
  } catch {
    // a malformed body is shown by its reason
  }
  return {
    messageId: m.MessageId ?? '',
    event: text(event.event),
    distinctId: text(event.distinct_id),
    uuid: text(event.uuid),
    timestamp: text(event.timestamp),
    reason: attr(m, 'dlq_reason') ?? 'max_receives',
    httpStatus: num(attr(m, 'dlq_http_status')),
    message: attr(m, 'dlq_message'),
    attempts: num(attr(m, 'dlq_attempts')),
    firstSeen: attr(m, 'dlq_first_seen'),
    sourceMessageId: attr(m, 'dlq_source_message_id'),
    destination: attr(m, 'destination'),
    receivedAt: attr(m, 'received_at'),
  };
}

const REASONS: Record<string, string> = {
  rejected: 'PostHog rejected it',
  malformed: 'the queued message is not a PostHog event',
  max_receives: 'SQS moved it after too many failed deliveries (PostHog 401 wrong key, 5xx, timeouts)',
};

/** One line of why, e.g. `rejected: PostHog rejected it (HTTP 400, 1 attempt): "invalid event"`. */
export function reasonLine(v: DeadLetterView): string {
  const details = [
    v.httpStatus !== undefined ? `HTTP ${v.httpStatus}` : undefined,
    v.attempts !== undefined ? `${v.attempts} attempt(s)` : undefined,
  ].filter(Boolean);
  const why = REASONS[v.reason] ?? 'unknown reason';
  const message = v.message && v.message !== 'none' ? `: ${JSON.stringify(v.message)}` : '';
  return `${v.reason}: ${why}${details.length > 0 ? ` (${details.join(', ')})` : ''}${message}`;
}

export function formatDeadLetterList(views: readonly DeadLetterView[], dlqUrl: string, approximateTotal: number | undefined): string {
  const total = approximateTotal === undefined ? '' : ` (about ${approximateTotal} message(s) in the queue)`;
  const lines = [`Dead-letter queue ${dlqUrl}${total}`];
  if (views.length === 0) {
    lines.push('No dead-lettered events.');
    return `${lines.join('\n')}\n`;
  }
  views.forEach((v, i) => {
    lines.push(
      `${i + 1}. ${v.event ?? '(unreadable body)'}  distinct_id=${v.distinctId ?? '?'}  uuid=${v.uuid ?? '?'}  timestamp=${v.timestamp ?? '?'}`,
    );
    lines.push(`   reason: ${reasonLine(v)}`);
    const where = [
      v.firstSeen ? `first seen ${v.firstSeen}` : undefined,
      v.receivedAt ? `received ${v.receivedAt}` : undefined,
      v.destination ? `destination ${v.destination}` : undefined,
      `message ${v.messageId}${v.sourceMessageId ? ` (was ${v.sourceMessageId})` : ''}`,
    ].filter(Boolean);
    lines.push(`   ${where.join(', ')}`);
  });
  const counts = reasonCounts(views);
  lines.push('');
  lines.push(`Shown: ${views.length}. By reason: ${[...counts].map(([r, n]) => `${r} ${n}`).join(', ')}.`);
  return `${lines.join('\n')}\n`;
}

const reasonCounts = (views: readonly DeadLetterView[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const v of views) counts.set(v.reason, (counts.get(v.reason) ?? 0) + 1);
  return counts;
};

/** What to do next, after a listing (stderr); `where` repeats the flags that found the queue (e.g. ` --local`). */
export function deadLetterHints(views: readonly DeadLetterView[], where: string): string {
  if (views.length === 0) return '';
  const lines: string[] = [];
  if (reasonCounts(views).has('rejected')) {
    lines.push('Rejected events come back at once if redriven unchanged: PostHog refused their content.');
    lines.push(`Move only the others back with: moengage-posthog dlq redrive${where} --reason max_receives`);
  }
  lines.push(`After fixing the cause (e.g. the PostHog key), move them back with: moengage-posthog dlq redrive${where}`);
  return `${lines.join('\n')}\n`;
}

/** The message's own attributes minus the dlq_* ones the forwarder added, as SendMessage expects them. */
export function redriveAttributes(m: Message): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(m.MessageAttributes ?? {})) {
    if (name.startsWith('dlq_')) continue;
    const copy: MessageAttributeValue = { DataType: value.DataType ?? 'String' };
    if (value.StringValue !== undefined) copy.StringValue = value.StringValue;
    if (value.BinaryValue !== undefined) copy.BinaryValue = value.BinaryValue;
    out[name] = copy;
  }
  return out;
}

/** A view as `dlq list --format json` prints it: snake_case keys like the other commands' JSON, numbers as numbers. */
export function deadLetterJson(v: DeadLetterView): Record<string, unknown> {
  return {
    message_id: v.messageId,
    event: v.event,
    distinct_id: v.distinctId,
    uuid: v.uuid,
    timestamp: v.timestamp,
    reason: v.reason,
    http_status: v.httpStatus,
    message: v.message,
    attempts: v.attempts,
    first_seen: v.firstSeen,
    source_message_id: v.sourceMessageId,
    destination: v.destination,
    received_at: v.receivedAt,
  };
}
