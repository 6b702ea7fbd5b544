import { defineValue, isPlainObject } from '../mapping/coerce.ts';
import { stampLibrary } from '../mapping/library.ts';
import type { PostHogEvent } from '../posthog/event.ts';
import {
  CHANNEL_ADDRESS_FIELDS,
  isMoEngageSource,
  KNOWN_EVENT_FIELDS,
  type StreamsEvent,
  StreamsBatchSchema,
  StreamsEventSchema,
  USER_ACTION_EVENT,
} from './schema.ts';
import { type BatchFacts, streamsIdentity, streamsUuid, text } from './identity.ts';
import { type FieldIssue, joinPath } from '../mapping/warnings.ts';
import { toFieldIssues } from '../mapping/zod-issues.ts';
import { checkStructure, INPUT_LIMITS } from '../mapping/input-limits.ts';
import { attributeProperties } from './attribute-properties.ts';

/** Configurable parts of the Streams mapping (STREAMS_* settings, docs/streams.md). */
export interface StreamsOptions {
  /** Which field names the PostHog event: the display name (default) or the raw code. */
  eventName: 'event_name' | 'event_code';
  /** Forward `email_id`, `mobile_number` and `push_id` (personal data; default: omitted). */
  includeChannelAddresses: boolean;
  /**
   * How `user_attributes` reach the person of a user action: `set_once` (default), `set` or `none`. MoEngage does not
   * guarantee the latest attribute values in Streams (api/data/moengage-streams.mdx, FAQ), so `$set` would let a late
   * batch overwrite newer person properties; `$set_once` only fills properties that are still empty.
   */
  userAttributes: 'set_once' | 'set' | 'none';
  /** Create persons keyed by MoEngage's internal `moengage_user_id` when an event has no `uid` (default: personless). */
  internalIdPersons: boolean;
}

/** The defaults of the STREAMS_* settings. */
export const DEFAULT_STREAMS_OPTIONS: StreamsOptions = {
  eventName: 'event_name',
  includeChannelAddresses: false,
  userAttributes: 'set_once',
  internalIdPersons: false,
};

export interface StreamsMappingContext extends StreamsOptions {
  libVersion: string;
  /** Event codes and display names captured with `$process_person_profile: false`. */
  personlessEvents: ReadonlySet<string>;
  /**
   * The caller hands the body over (the intake: a body read for this request alone): an event's `event_attributes`
   * object then becomes its `properties` in place, when nothing has to come before the attributes or be left out of
   * them. Without it they are copied, key by key; the events are the same either way. The copy was the top cost of a
   * batch of events with hundreds of attributes (docs/benchmarks.md, section 7).
   */
  ownsBody?: boolean;
}

export interface MappedStreamsEvent {
  /** Position in the batch's `events`. */
  index: number;
  event: PostHogEvent;
}

export interface StreamsRejection {
  index: number;
  errors: FieldIssue[];
}

export type StreamsBatchResult =
  | { ok: true; requestId: string | undefined; events: MappedStreamsEvent[]; rejected: StreamsRejection[]; warnings: FieldIssue[] }
  | { ok: false; errors: FieldIssue[] };

type EventResult = { ok: true; event: PostHogEvent; warnings: FieldIssue[]; unknownFields: string[] } | { ok: false; errors: FieldIssue[] };

export const DEVICE_PREFIX = '$moengage_device_';
/** Most events one Streams request may hold: MoEngage sends batches of 100 (docs/streams.md, "Limits"). */
export const MAX_STREAMS_EVENTS = 1000;

/**
 * Maps one Streams batch. Pure: no clock, no environment (and the body left as it came unless `ownsBody`); the uuid
 * and timestamp of each event come from the event itself, so a batch MoEngage retries maps to byte-identical events. Events are judged one by one: invalid ones are
 * listed under `rejected`, the rest mapped. Only a body that is not a batch at all fails as a whole.
 */
export function mapStreamsBatch(body: unknown, ctx: StreamsMappingContext): StreamsBatchResult {
  if (!isPlainObject(body))
    return { ok: false, errors: [{ path: '(body)', message: 'must be a MoEngage Streams batch: {"events":[...]}' }] };
  const parsed = StreamsBatchSchema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: toFieldIssues(parsed.error) };
  const batch = parsed.data;
  const facts: BatchFacts = { appName: text(batch.app_name), requestId: text(batch.moe_request_id) };
  const warnings: FieldIssue[] = [];
  if (batch.source != null && !isMoEngageSource(batch.source)) {
    warnings.push({ path: 'source', message: 'expected "MoEngage" (any casing); processed anyway' });
  }
  if (batch.events.length > MAX_STREAMS_EVENTS) {
    return {
      ok: false,
      errors: [
        { path: 'events', message: `has ${batch.events.length} events; at most ${MAX_STREAMS_EVENTS} are accepted (MoEngage sends 100)` },
      ],
    };
  }
  if (batch.events.length === 0) warnings.push({ path: 'events', message: 'is empty: nothing to queue' });

  const events: MappedStreamsEvent[] = [];
  const rejected: StreamsRejection[] = [];
  const unknown = new Map<string, number>();
  batch.events.forEach((input, index) => {
    const result = mapStreamsEvent(input, index, facts, ctx);
    if (!result.ok) {
      rejected.push({ index, errors: result.errors });
      return;
    }
    events.push({ index, event: result.event });
    warnings.push(...result.warnings);
    for (const field of result.unknownFields) unknown.set(field, (unknown.get(field) ?? 0) + 1);
  });
  for (const [field, times] of unknown) {
    warnings.push({ path: `events.*.${field}`, message: `ignored in ${times} event(s): not a documented MoEngage Streams field` });
  }
  return { ok: true, requestId: facts.requestId, events, rejected, warnings };
}

/** Maps one event of a batch; `index` is its position, used in error paths and the fallback uuid. */
export function mapStreamsEvent(input: unknown, index: number, batch: BatchFacts, ctx: StreamsMappingContext): EventResult {
  const at = (field: string) => joinPath('events', index, field);
  if (!isPlainObject(input)) return { ok: false, errors: [{ path: at(''), message: 'must be a JSON object (one MoEngage event)' }] };
  const structure = checkStructure(input, INPUT_LIMITS, { text: true });
  if (structure.errors.length > 0)
    return { ok: false, errors: structure.errors.map((e) => ({ ...e, path: joinPath(at(''), e.path === '(body)' ? '' : e.path) })) };
  const parsed = StreamsEventSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldIssues(parsed.error, at('')) };
  const e = parsed.data;
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];

  const name = chooseName(e, ctx.eventName);
  if (name === undefined) errors.push({ path: at(ctx.eventName), message: 'is required: neither event_name nor event_code is set' });
  const identity = streamsIdentity(e, at, errors, warnings);
  if (name === undefined || identity === undefined || errors.length > 0) return { ok: false, errors };

  const code = text(e.event_code);
  const userAttributes = e.user_attributes ?? {};
  const internalId = identity.source === 'moengage_device_id' || (identity.source === 'moengage_user_id' && !ctx.internalIdPersons);
  const personless = internalId || ctx.personlessEvents.has(code ?? '') || ctx.personlessEvents.has(text(e.event_name) ?? '');

  // The uuid first: without event_uuid and moe_request_id it digests the event as it arrived, attributes included.
  const uuidWarnings: FieldIssue[] = [];
  const uuid = streamsUuid(e, input, index, batch, at('event_uuid'), uuidWarnings);
  const properties = attributeProperties(e, ctx.ownsBody === true, at, warnings);
  if (ctx.includeChannelAddresses) {
    for (const field of CHANNEL_ADDRESS_FIELDS) if (e[field] != null) defineValue(properties, `$moengage_${field}`, e[field]);
  }
  for (const [key, value] of Object.entries(e.device_attributes ?? {})) defineValue(properties, deviceProperty(key), value);
  const moengage: Record<string, string | undefined> = {
    $moengage_event_name: text(e.event_name),
    $moengage_event_code: code,
    $moengage_event_type: text(e.event_type),
    $moengage_event_uuid: text(e.event_uuid),
    $moengage_app_name: batch.appName,
    $moengage_user_id: text(userAttributes.moengage_user_id),
  };
  for (const [key, value] of Object.entries(moengage)) if (value !== undefined) properties[key] = value;
  const userAction = text(e.event_type)?.toUpperCase() === USER_ACTION_EVENT;
  if (userAction && !personless && ctx.userAttributes !== 'none' && Object.keys(userAttributes).length > 0) {
    properties[ctx.userAttributes === 'set' ? '$set' : '$set_once'] = { ...userAttributes };
  }
  if (personless) properties.$process_person_profile = false;
  stampLibrary(properties, ctx.libVersion);

  warnings.push(...uuidWarnings);
  const event: PostHogEvent = { event: name, distinct_id: identity.distinctId, properties, timestamp: e.event_time, uuid };
  const unknownFields = Object.keys(e).filter((key) => !KNOWN_EVENT_FIELDS.has(key));
  return { ok: true, event, warnings, unknownFields };
}

function chooseName(e: StreamsEvent, preferred: StreamsOptions['eventName']): string | undefined {
  const other = preferred === 'event_name' ? 'event_code' : 'event_name';
  return text(e[preferred]) ?? text(e[other]);
}

/** `moengage_device_id` → `$moengage_device_id`; `os` → `$moengage_device_os`. */
export const deviceProperty = (key: string): string => (key.startsWith('moengage_device_') ? `$${key}` : `${DEVICE_PREFIX}${key}`);
