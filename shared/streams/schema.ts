import * as z from 'zod/mini';
import { addIssue } from '../lib/zod-mini.ts';
import { normalizeTimestamp } from '../mapping/timestamp.ts';

/**
 * MoEngage Streams payload (docs/architecture.md, "MoEngage: Streams"; MoEngage docs api/data/moengage-streams.mdx).
 * Lenient: unknown fields are kept, optional fields may be absent or null, and every event is validated on its own
 * so one bad event never fails the batch.
 */
const Scalar = z.union([z.string(), z.number()]);
const AttributesRecord = z.record(z.string(), z.unknown());
/**
 * `AttributesRecord` without its copy: zod's record builds a new object key by key (a payload per key and per value),
 * the top cost of a batch of events with hundreds of attributes. A JSON object (Object.prototype, enumerable string
 * keys: what the request body readers make) passes that record unchanged but for an own `__proto__` key, which zod
 * drops; so such an object is returned as is, and anything else (not an object, another prototype, `__proto__`) goes
 * through the record itself, for the same value and the same issues. test/streams/attributes-fast-path.test.ts compares
 * the two on generated events.
 */
const Attributes = z.transform((value: unknown, ctx): Record<string, unknown> => {
  if (isJsonObject(value) && !Object.hasOwn(value, '__proto__')) return value;
  const result = AttributesRecord.safeParse(value);
  if (result.success) return result.data;
  // Finalized issues (message set, input dropped): the event schema adds the key to their path, as for the record.
  ctx.issues.push(...(result.error.issues as z.core.$ZodRawIssue[]));
  return z.NEVER;
});
const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
const optional = <T extends z.ZodMiniType>(schema: T) => z.nullish(schema);

/** `event_time`: epoch seconds UTC as documented; milliseconds when clearly ms (≥ 1e11); ISO 8601 also accepted. */
const EventTime = z.pipe(
  z.union([z.string(), z.number()], {
    error: (issue) =>
      issue.input === undefined || issue.input === null
        ? 'is required: the time of the event (epoch seconds)'
        : 'must be epoch seconds (a number), epoch milliseconds or an ISO 8601 date-time',
  }),
  z.transform((value: string | number, ctx) => {
    const result = normalizeTimestamp(value);
    if (result.ok) return result.value;
    addIssue(ctx, withoutValue(result.message));
    return z.NEVER;
  }),
);

/**
 * `"last tuesday" is not a calendar date` → `is not a calendar date`: a Streams answer and its log never quote event
 * data. The value's own text may hold `" is `, so the message is cut at its last occurrence (the wording holds none).
 */
const withoutValue = (message: string): string => {
  const at = message.lastIndexOf('" is ');
  return message.startsWith('"') && at > 0 ? message.slice(at + 2) : message;
};

export const StreamsEventSchema = z.looseObject({
  event_name: optional(z.string()),
  event_code: optional(z.string()),
  event_uuid: optional(Scalar),
  event_time: EventTime,
  event_type: optional(z.string()),
  event_source: optional(z.string()),
  uid: optional(Scalar),
  push_id: optional(Scalar),
  email_id: optional(Scalar),
  mobile_number: optional(Scalar),
  event_attributes: optional(Attributes),
  user_attributes: optional(Attributes),
  device_attributes: optional(Attributes),
});
export type StreamsEvent = z.infer<typeof StreamsEventSchema>;

export const StreamsBatchSchema = z.looseObject({
  app_name: optional(z.string()),
  source: optional(z.string()),
  moe_request_id: optional(Scalar),
  events: z.array(z.unknown(), { error: 'is required: the list of MoEngage events' }),
});
export type StreamsBatch = z.infer<typeof StreamsBatchSchema>;

/** Campaign fields the glossary lists; when they stand beside `event_attributes` they are lifted into properties. */
export const CAMPAIGN_FIELDS = [
  'campaign_id',
  'campaign_name',
  'campaign_type',
  'campaign_channel',
  'variation_id',
  'locale_id',
  'locale_name',
  'parent_campaign_id',
  'parent_flow_id',
  'parent_flow_name',
] as const;

/** Recipient addresses: personal data, forwarded only when configured. */
export const CHANNEL_ADDRESS_FIELDS = ['email_id', 'mobile_number', 'push_id'] as const;

/** Every top-level event field the mapping knows; any other one is ignored with a warning. */
export const KNOWN_EVENT_FIELDS: ReadonlySet<string> = new Set([...Object.keys(StreamsEventSchema.shape), ...CAMPAIGN_FIELDS]);

export const USER_ACTION_EVENT = 'USER_ACTION_EVENT';

/** `source` is "MOENGAGE" in the sample and "MoEngage" in the glossary: compare without case. */
export const isMoEngageSource = (source: string): boolean => source.trim().toLowerCase() === 'moengage';
