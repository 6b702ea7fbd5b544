import { createHash } from 'node:crypto';
import { parse as parseUuid, v5 as uuidv5 } from 'uuid';

/** Namespace of this forwarder's name-based (v5) uuids. Never change it: it would break deduplication. */
export const UUID_NAMESPACE = 'a3c5e0f2-6a0b-4c47-9a55-7f1e2d6b8c41';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/** The namespace as bytes, parsed once: `v5` parses a namespace given as text on every call (twice, in uuid 11). */
const NAMESPACE_BYTES = parseUuid(UUID_NAMESPACE);

/** A stable uuid for a de-duplication key such as `$insert_id` or a Streams `event_uuid`. */
export const uuidFromKey = (key: string): string => uuidv5(key, NAMESPACE_BYTES);

/** What names one event of a campaign: its `$insert_id`, event name and distinct_id together. */
export interface InsertKey {
  insertId: string;
  event: string;
  distinctId: string;
}

/**
 * The uuid of an event that brings `$insert_id`: from the id together with the event name and distinct_id, so the
 * same `$insert_id` on two events (`order_completed`, `order_shipped`) or two persons never gives one uuid (PostHog
 * would keep only one of them where the rest of its dedup key matched). Changing this rule gives existing campaigns'
 * re-sent events new uuids once (docs/mapping.md, "uuid").
 */
export const uuidFromInsertId = (key: InsertKey): string =>
  uuidFromKey(JSON.stringify(['insert_id', key.event, key.distinctId, key.insertId]));

/** SHA-256 (hex) of an event's own JSON as it arrived: what names an event that brings no id. */
export const contentDigest = (raw: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(raw) ?? '')
    .digest('hex');

/**
 * The uuid of a connector event that brings neither `uuid` nor `$insert_id`: from the event's JSON as it arrived and
 * its position in the request, nothing else. A re-sent request (MoEngage's retry after a 503 or a timeout, a campaign
 * re-run) therefore maps to the same uuids, and PostHog keeps one copy; the price is that two occurrences whose
 * bodies are byte-identical are one event to PostHog when they land on the same UTC day (docs/mapping.md, "uuid").
 * Never change this rule lightly: re-sent requests would get new uuids once.
 */
export const uuidFromContent = (raw: unknown, index: number): string => uuidFromKey(JSON.stringify(['content', index, contentDigest(raw)]));
