import { defineValue } from '../mapping/coerce.ts';
import type { FieldIssue } from '../mapping/warnings.ts';
import { CAMPAIGN_FIELDS, type StreamsEvent } from './schema.ts';

/** Properties that would change person profiles; only the mapping itself sets them. */
const PERSON_KEYS = ['$set', '$set_once', '$unset', '$process_person_profile'];
const PERSON_KEY_SET: ReadonlySet<string> = new Set(PERSON_KEYS);

/**
 * The start of an event's properties: the campaign fields that stand beside `event_attributes`, then the attributes
 * but the person keys (each left out with a warning). When the caller owns the body and there is neither, the
 * `event_attributes` object itself is returned, to be completed in place: the same keys in the same order as a copy,
 * without copying up to 1,000 attributes per event key by key (the top cost of such a batch; docs/benchmarks.md,
 * section 7). Adding a few properties to it afterwards is cheap; copying it, or spreading it, is not.
 */
export function attributeProperties(
  e: StreamsEvent,
  ownsBody: boolean,
  at: (field: string) => string,
  warnings: FieldIssue[],
): Record<string, unknown> {
  const attributes = e.event_attributes;
  if (
    ownsBody &&
    attributes &&
    !CAMPAIGN_FIELDS.some((field) => e[field] != null) &&
    !PERSON_KEYS.some((key) => Object.hasOwn(attributes, key))
  )
    return attributes;
  const properties: Record<string, unknown> = {};
  for (const field of CAMPAIGN_FIELDS) if (e[field] != null) defineValue(properties, field, e[field]);
  // Keys, not entries: no pair per attribute (an event may carry up to 1,000).
  for (const key of Object.keys(attributes ?? {})) {
    if (PERSON_KEY_SET.has(key)) warnings.push({ path: at(`event_attributes.${key}`), message: 'ignored: set by the forwarder only' });
    else defineValue(properties, key, attributes?.[key]);
  }
  return properties;
}
