import { defineValue, isPlainObject } from './coerce.ts';
import { cleanRecord } from './clean-values.ts';
import { type ConnectorEvent, ConnectorBatchSchema, ConnectorEventSchema, KNOWN_TOP_LEVEL_FIELDS } from './connector-schema.ts';
import { isUuid, uuidForIntake, uuidFromKey } from './event-id.ts';
import type { PostHogEvent } from './posthog-event.ts';
import { describeProblem, templateProblem } from './template-hygiene.ts';
import { normalizeTimestamp } from './timestamp.ts';
import { type FieldIssue, joinPath } from './warnings.ts';
import { toFieldIssues } from './zod-issues.ts';

export const LIB_NAME = 'moengage-posthog-forwarder';
const MAX_DISTINCT_ID_LENGTH = 200;

/** Everything the mapping needs besides the body; time and ids come in, nothing is read from the environment. */
export interface MappingContext {
  now: Date;
  /** Seeds the uuid of events that bring none (the API Gateway request id). */
  requestId: string;
  libVersion: string;
  /** The project key the forwarder sends with; a different `api_key` in the body only yields a warning. */
  configuredApiKey?: string | undefined;
  /** Event names captured with `$process_person_profile: false`. */
  personlessEvents: ReadonlySet<string>;
  /** Turns dropped properties into errors. */
  strict: boolean;
}

export type MapResult = { ok: true; events: PostHogEvent[]; warnings: FieldIssue[] } | { ok: false; errors: FieldIssue[] };

/** Maps a connector body (one event, `$identify`, or `{"batch":[...]}`) to PostHog events; all or nothing. */
export function mapConnectorBody(body: unknown, ctx: MappingContext): MapResult {
  if (isPlainObject(body) && 'batch' in body && !('event' in body)) {
    const parsed = ConnectorBatchSchema.safeParse(body);
    if (!parsed.success) return { ok: false, errors: toFieldIssues(parsed.error) };
    const events: PostHogEvent[] = [];
    const warnings: FieldIssue[] = [];
    const errors: FieldIssue[] = [];
    parsed.data.batch.forEach((item, index) => {
      const result = mapConnectorEvent(item, ctx, index, `batch.${index}`);
      if (result.ok) {
        events.push(...result.events);
        warnings.push(...result.warnings);
      } else errors.push(...result.errors);
    });
    return errors.length > 0 ? { ok: false, errors } : { ok: true, events, warnings };
  }
  return mapConnectorEvent(body, ctx, 0, '');
}

export function mapConnectorEvent(input: unknown, ctx: MappingContext, index: number, prefix: string): MapResult {
  if (!isPlainObject(input)) {
    return { ok: false, errors: [{ path: prefix || '(body)', message: 'must be a JSON object with "event" and "distinct_id"' }] };
  }
  const parsed = ConnectorEventSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldIssues(parsed.error, prefix) };
  const body = parsed.data;
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const at = (field: string) => joinPath(prefix, field);

  const eventProblem = templateProblem(body.event);
  if (eventProblem) errors.push({ path: at('event'), message: `the event name ${describeProblem(eventProblem)}` });

  const rawProperties = body.properties ?? {};
  const distinctId = readDistinctId(body, rawProperties, at, errors);

  for (const key of Object.keys(body)) {
    if (!KNOWN_TOP_LEVEL_FIELDS.has(key))
      warnings.push({ path: at(key), message: 'ignored: not a PostHog capture field (put it under "properties")' });
  }
  const bodyKey = body.api_key ?? body.token;
  if (bodyKey !== undefined && bodyKey !== ctx.configuredApiKey) {
    warnings.push({
      path: at(body.api_key !== undefined ? 'api_key' : 'token'),
      message: 'ignored: events are sent with the project key configured in the forwarder',
    });
  }

  const { $set: propsSet, $set_once: propsSetOnce, $insert_id: propsInsertId, distinct_id: _, ...otherProps } = rawProperties;
  const properties = collect(cleanRecord(otherProps, at('properties')), ctx, errors, warnings);
  const $set = collect(cleanRecord({ ...asRecord(propsSet), ...(body.$set ?? {}) }, at('$set')), ctx, errors, warnings);
  const $setOnce = collect(cleanRecord({ ...asRecord(propsSetOnce), ...(body.$set_once ?? {}) }, at('$set_once')), ctx, errors, warnings);

  const insertId = readInsertId(body.$insert_id ?? propsInsertId, at('$insert_id'), warnings);
  const uuid = chooseUuid(body.uuid, insertId, ctx, index, at('uuid'), warnings);
  const timestamp = chooseTimestamp(body.timestamp, ctx.now, at('timestamp'), errors, warnings);

  if (errors.length > 0 || distinctId === undefined) return { ok: false, errors };

  const personless = ctx.personlessEvents.has(body.event);
  if (personless && (Object.keys($set).length > 0 || Object.keys($setOnce).length > 0)) {
    warnings.push({ path: at('$set'), message: `ignored: "${body.event}" is an outreach event, sent without a person profile` });
  }
  if (!personless && Object.keys($set).length > 0) defineValue(properties, '$set', $set);
  if (!personless && Object.keys($setOnce).length > 0) defineValue(properties, '$set_once', $setOnce);
  if (insertId !== undefined) properties.$insert_id = insertId;
  if (personless) properties.$process_person_profile = false;
  properties.$lib = LIB_NAME;
  properties.$lib_version = ctx.libVersion;
  properties.$source = 'moengage';
  if (!('$ip' in properties)) properties.$geoip_disable = true;

  return { ok: true, events: [{ event: body.event, distinct_id: distinctId, properties, timestamp, uuid }], warnings };
}

function readDistinctId(
  body: ConnectorEvent,
  properties: Record<string, unknown>,
  at: (field: string) => string,
  errors: FieldIssue[],
): string | undefined {
  const fromBody = body.distinct_id;
  const raw = fromBody ?? properties.distinct_id;
  const path = at(fromBody !== undefined ? 'distinct_id' : 'properties.distinct_id');
  if (raw === undefined) {
    errors.push({ path: at('distinct_id'), message: 'is required: the user id PostHog should attribute the event to' });
    return undefined;
  }
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    errors.push({ path, message: 'must be a string or a number' });
    return undefined;
  }
  const value = String(raw).trim();
  const problem = templateProblem(value);
  if (problem) {
    errors.push({ path, message: `the distinct_id ${describeProblem(problem)}` });
    return undefined;
  }
  if (value.length > MAX_DISTINCT_ID_LENGTH) {
    errors.push({ path, message: `is longer than ${MAX_DISTINCT_ID_LENGTH} characters (PostHog would truncate it)` });
    return undefined;
  }
  return value;
}

function collect(
  result: ReturnType<typeof cleanRecord>,
  ctx: MappingContext,
  errors: FieldIssue[],
  warnings: FieldIssue[],
): Record<string, unknown> {
  (ctx.strict ? errors : warnings).push(...result.dropped);
  return result.value;
}

const asRecord = (value: unknown): Record<string, unknown> => (isPlainObject(value) ? value : {});

function readInsertId(raw: unknown, path: string, warnings: FieldIssue[]): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    warnings.push({ path, message: 'ignored: must be a string' });
    return undefined;
  }
  const problem = templateProblem(String(raw));
  if (problem) {
    warnings.push({ path, message: `ignored: the value ${describeProblem(problem)}` });
    return undefined;
  }
  return String(raw);
}

function chooseUuid(
  raw: string | undefined,
  insertId: string | undefined,
  ctx: MappingContext,
  index: number,
  path: string,
  warnings: FieldIssue[],
): string {
  if (raw !== undefined) {
    if (isUuid(raw.trim())) return raw.trim().toLowerCase();
    warnings.push({ path, message: 'ignored: not a valid UUID (PostHog would reject the whole request); another id was assigned' });
  }
  if (insertId !== undefined) return uuidFromKey(insertId);
  return uuidForIntake(ctx.now, `${ctx.requestId}#${index}`);
}

function chooseTimestamp(raw: string | number | undefined, now: Date, path: string, errors: FieldIssue[], warnings: FieldIssue[]): string {
  if (raw === undefined) return now.toISOString();
  const problem = templateProblem(raw);
  if (problem) {
    warnings.push({ path, message: `ignored: the value ${describeProblem(problem)}; the intake time was used` });
    return now.toISOString();
  }
  const result = normalizeTimestamp(raw);
  if (result.ok) return result.value;
  errors.push({ path, message: result.message });
  return now.toISOString();
}
