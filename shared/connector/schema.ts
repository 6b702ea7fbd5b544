import * as z from 'zod/mini';
import '../lib/zod-mini.ts';

const Properties = z.record(z.string(), z.unknown(), {
  error: 'must be a JSON object of property names to values (in a form body, send properties.<name> fields)',
});

/**
 * One connector event: PostHog's capture shape, `$identify` with top-level `$set`/`$set_once`, or `$create_alias`
 * (docs/architecture.md, "MoEngage: Connector campaigns"; docs/architecture.md, "PostHog: Event fields").
 * Identifiers and ids are checked by the mapper, which can say more than a type error; unknown top-level fields
 * are kept for a warning.
 */
export const ConnectorEventSchema = z.looseObject({
  event: z.string({
    error: (issue) => (issue.input === undefined ? 'is required: the PostHog event name, e.g. "purchase_completed"' : 'must be a string'),
  }),
  distinct_id: z.optional(z.unknown()),
  properties: z.optional(Properties),
  timestamp: z.optional(z.union([z.string(), z.number()], { error: 'must be an ISO 8601 date-time string or an epoch number' })),
  uuid: z.optional(z.unknown()),
  $insert_id: z.optional(z.unknown()),
  $set: z.optional(Properties),
  $set_once: z.optional(Properties),
  /** `$create_alias` only; `properties.alias` is preferred. */
  alias: z.optional(z.unknown()),
  api_key: z.optional(z.unknown()),
  token: z.optional(z.unknown()),
});
export type ConnectorEvent = z.infer<typeof ConnectorEventSchema>;

export const MAX_BATCH_EVENTS = 1000;

export const ConnectorBatchSchema = z.looseObject({
  batch: z
    .array(z.unknown(), { error: 'must be a list of events' })
    .check(z.minLength(1, 'must hold at least one event'), z.maxLength(MAX_BATCH_EVENTS, `holds more than ${MAX_BATCH_EVENTS} events`)),
  api_key: z.optional(z.unknown()),
  token: z.optional(z.unknown()),
});

export const KNOWN_TOP_LEVEL_FIELDS: ReadonlySet<string> = new Set(Object.keys(ConnectorEventSchema.shape));
export const KNOWN_BATCH_FIELDS: ReadonlySet<string> = new Set(Object.keys(ConnectorBatchSchema.shape));

/** Fields PostHog reads to shift timestamps; the forwarder never sends them (docs/architecture.md, "PostHog: Event fields"). */
export const TIME_SHIFT_FIELDS: ReadonlySet<string> = new Set(['sent_at', 'offset']);
