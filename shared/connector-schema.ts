import * as z from 'zod';

const Scalar = z.union([z.string(), z.number()]);
const Record = z.record(z.string(), z.unknown());

/**
 * One connector event: PostHog's capture shape, or `$identify` with top-level `$set`/`$set_once`
 * (reference/moengage.md, "Connector campaigns"). Unknown top-level fields are kept for a warning.
 */
export const ConnectorEventSchema = z.looseObject({
  event: z.string({ error: 'is required: the PostHog event name, e.g. "purchase_completed"' }),
  distinct_id: Scalar.optional(),
  properties: Record.optional(),
  timestamp: Scalar.optional(),
  uuid: z.string().optional(),
  $insert_id: Scalar.optional(),
  $set: Record.optional(),
  $set_once: Record.optional(),
  api_key: z.string().optional(),
  token: z.string().optional(),
});
export type ConnectorEvent = z.infer<typeof ConnectorEventSchema>;

export const ConnectorBatchSchema = z.looseObject({
  batch: z.array(z.unknown()).min(1, 'must hold at least one event').max(1000, 'holds more than 1000 events'),
});

export const KNOWN_TOP_LEVEL_FIELDS = new Set(Object.keys(ConnectorEventSchema.shape));
