import { contentDigest, uuidFromKey } from '../mapping/event-id.ts';
import type { StreamsEvent } from './schema.ts';
import { templateProblem } from '../mapping/template-hygiene.ts';
import type { FieldIssue } from '../mapping/warnings.ts';

/** What every event of a batch shares. */
export interface BatchFacts {
  appName: string | undefined;
  requestId: string | undefined;
}

/** PostHog truncates longer distinct ids (docs/architecture.md, "PostHog: Event fields"). */
const MAX_DISTINCT_ID_LENGTH = 200;

/** A non-empty trimmed string, or undefined for absent, null and empty values. */
export function text(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

/** Which field the distinct id came from: the customer id, or one of MoEngage's internal ids. */
export type IdentitySource = 'uid' | 'moengage_user_id' | 'moengage_device_id';

/**
 * `uid` → `user_attributes.moengage_user_id` → `device_attributes.moengage_device_id` → rejected. Only `uid` (the
 * customer id) names a person in both systems; the internal ids are the caller's to send personless.
 */
export function streamsIdentity(
  e: StreamsEvent,
  at: (field: string) => string,
  errors: FieldIssue[],
  warnings: FieldIssue[],
): { distinctId: string; source: IdentitySource } | undefined {
  const candidates = [
    { path: 'uid', value: e.uid, source: 'uid' as const },
    { path: 'user_attributes.moengage_user_id', value: e.user_attributes?.moengage_user_id, source: 'moengage_user_id' as const },
    { path: 'device_attributes.moengage_device_id', value: e.device_attributes?.moengage_device_id, source: 'moengage_device_id' as const },
  ];
  for (const candidate of candidates) {
    if (candidate.value == null) continue;
    const value = text(candidate.value);
    if (value === undefined || templateProblem(value) !== undefined) {
      warnings.push({ path: at(candidate.path), message: 'ignored: empty, "None"/"null" or not a string/number' });
      continue;
    }
    if (value.length > MAX_DISTINCT_ID_LENGTH) {
      errors.push({ path: at(candidate.path), message: `is longer than ${MAX_DISTINCT_ID_LENGTH} characters (PostHog would truncate it)` });
      return undefined;
    }
    return { distinctId: value, source: candidate.source };
  }
  errors.push({
    path: at('uid'),
    message: 'is required: no uid, user_attributes.moengage_user_id or device_attributes.moengage_device_id to attribute the event to',
  });
  return undefined;
}

/**
 * UUIDv5 of `event_uuid` (MoEngage's de-duplication id); else of `moe_request_id` + position; else of the event's
 * own JSON. Every choice depends only on the request body, so retries of a batch keep their uuids.
 */
export function streamsUuid(
  e: StreamsEvent,
  raw: Record<string, unknown>,
  index: number,
  batch: BatchFacts,
  path: string,
  warnings: FieldIssue[],
): string {
  const eventUuid = text(e.event_uuid);
  if (eventUuid !== undefined) return uuidFromKey(eventUuid);
  if (batch.requestId !== undefined) {
    warnings.push({ path, message: 'missing: the uuid was derived from moe_request_id and the position in the batch' });
    return uuidFromKey(`${batch.requestId}#${index}`);
  }
  warnings.push({ path, message: 'missing, and so is moe_request_id: the uuid was derived from the event content' });
  return uuidFromKey(`sha256:${contentDigest(raw)}`);
}
