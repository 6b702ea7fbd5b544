import type { IdentityOptions } from './config.ts';
import type { CohortPerson } from './posthog-cohort-reader.ts';

export type MemberIdResult =
  | { ok: true; uid: string; source: 'property' | 'distinct_id' }
  | { ok: false; reason: 'no_id' | 'anonymous' | 'not_identified' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** posthog-js' older anonymous ids: `<hex time>-<hex>-<hex>-<hex>-<hex time>`. */
const LEGACY_ANONYMOUS = /^[0-9a-f]{10,16}-[0-9a-f]+-[0-9a-f]+-[0-9a-f]+-[0-9a-f]{10,16}$/i;
const MAX_UID_CHARS = 256;

/** Anonymous device ids (UUIDs from posthog-js and other SDKs, the legacy posthog-js format) are never sent. */
export const looksAnonymous = (distinctId: string): boolean => UUID.test(distinctId) || LEGACY_ANONYMOUS.test(distinctId);

const usable = (value: unknown): string | undefined => {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '' || text.length > MAX_UID_CHARS || /^(null|none|undefined)$/i.test(text) || text.includes('{{')) return undefined;
  return text;
};

/**
 * The MoEngage user id of a PostHog person: the configured person property (default `$moengage_user_id`) when it
 * holds a value; else, when allowed, an identified distinct id. Anonymous persons and device-like ids are not sent,
 * because MoEngage's Cohort Sync matches users by their unique user id only.
 *
 * The fallback must pick the same id on every run, or the member flaps (removed under one id, added under another).
 * PostHog's persons endpoint returns at most 10 distinct ids per person, in no set order, so a person with more may
 * show a different 10 each run. The rule: among the identified ids seen, one that is already a synced member
 * (`synced`, the membership MoEngage acknowledged) is kept; else the smallest in string order. The HogQL path sees
 * every id, so there the smallest is always the same.
 */
export function resolveMemberId(person: CohortPerson, options: IdentityOptions, synced: ReadonlySet<string> = new Set()): MemberIdResult {
  const fromProperty = usable(person.properties[options.property]);
  if (fromProperty !== undefined) return { ok: true, uid: fromProperty, source: 'property' };
  if (options.fallback === 'none') return { ok: false, reason: 'no_id' };
  if (person.is_identified === false) return { ok: false, reason: 'not_identified' };
  const candidates = person.distinct_ids
    .map(usable)
    .filter((id): id is string => id !== undefined && !looksAnonymous(id))
    .sort();
  const chosen = candidates.find((id) => synced.has(id)) ?? candidates[0];
  if (chosen === undefined) return { ok: false, reason: person.distinct_ids.length > 0 ? 'anonymous' : 'no_id' };
  return { ok: true, uid: chosen, source: 'distinct_id' };
}
