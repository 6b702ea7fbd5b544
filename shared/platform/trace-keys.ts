import { createHash } from 'node:crypto';
import type { PostHogEvent } from '../posthog/event.ts';

/**
 * What the functions' log lines carry so that one event can be traced (`npx moengage-posthog trace`, the saved Logs
 * Insights queries): ids only, never the event's values (docs/operations.md, "Trace one event").
 * - `uuid`: the event's PostHog uuid;
 * - `insert_id`: MoEngage's own id of the event: the connector's `$insert_id`, or the Streams `event_uuid`;
 * - `distinct_id_hash`: not the distinct_id (often an e-mail address or a customer id) but the first 16 hex digits of
 *   a SHA-256 of it. The trace command hashes the distinct_id it is given the same way. Pseudonymous, not anonymous:
 *   someone who guesses a distinct_id can check that it appears in the logs, but the logs never show it.
 */
export interface TraceKeys {
  uuid: string;
  distinct_id_hash: string;
  insert_id?: string;
}

/** Salt of the distinct_id hash: the same in every deployment, so the CLI needs no secret to search. */
const HASH_PREFIX = 'moengage-posthog-forwarder/distinct_id\u0000';
export const DISTINCT_ID_HASH_DIGITS = 16;

export function distinctIdHash(distinctId: string): string {
  return createHash('sha256')
    .update(HASH_PREFIX + distinctId)
    .digest('hex')
    .slice(0, DISTINCT_ID_HASH_DIGITS);
}

const INSERT_ID_PROPERTIES = ['$insert_id', '$moengage_event_uuid'] as const;
/** An id logged as it is must look like one (MoEngage's are hex, uuids or similar), so no value can slip through. */
const ID_SHAPE = /^[\w.:-]{1,100}$/;

export function isTraceableId(value: string): boolean {
  return ID_SHAPE.test(value);
}

export function traceKeys(event: Pick<PostHogEvent, 'uuid' | 'distinct_id' | 'properties'>): TraceKeys {
  const keys: TraceKeys = { uuid: event.uuid, distinct_id_hash: distinctIdHash(event.distinct_id) };
  for (const name of INSERT_ID_PROPERTIES) {
    const value = event.properties[name];
    if (typeof value === 'string' && isTraceableId(value)) {
      keys.insert_id = value;
      break;
    }
  }
  return keys;
}

/**
 * The strings a Logs Insights query looks for to trace `id`: the id itself when it has an id's shape (a uuid or an
 * insert_id; it then never holds quotes or backslashes), and the hash a distinct_id would have. A distinct_id such as
 * an e-mail address is therefore never written into the query (CloudWatch keeps queries in its history).
 */
export function traceNeedles(id: string): string[] {
  return isTraceableId(id) ? [id, distinctIdHash(id)] : [distinctIdHash(id)];
}

/** The Logs Insights query of `npx moengage-posthog trace` and of the saved "trace" query (infra/trace-queries.ts). */
export function traceQuery(needles: readonly string[], limit: number): string {
  const filter = needles.map((needle) => `@message like "${needle}"`).join(' or ');
  return ['fields @timestamp, @message', `filter ${filter}`, 'sort @timestamp asc', `limit ${limit}`].join('\n| ');
}
