import { type CleanResult, cleanRecord } from './clean-values.ts';
import { defineValue, isPlainObject } from '../mapping/coerce.ts';
import { ConnectorBatchSchema, ConnectorEventSchema, KNOWN_BATCH_FIELDS, KNOWN_TOP_LEVEL_FIELDS, MAX_BATCH_EVENTS } from './schema.ts';
import { readIdentifier } from '../mapping/identifier.ts';
import { checkStructure } from '../mapping/input-limits.ts';
import type { PostHogEvent } from '../posthog/event.ts';
import { describeProblem, templateProblem } from '../mapping/template-hygiene.ts';
import { stampLibrary } from '../mapping/library.ts';
import { capIssues, type FieldIssue, joinPath } from '../mapping/warnings.ts';
import { toFieldIssues } from '../mapping/zod-issues.ts';
import { checkBodyKey, chooseTimestamp, chooseUuid, ignoredField, readInsertId } from './event-fields.ts';

/** Everything the mapping needs besides the body; time and ids come in, nothing is read from the environment. */
export interface MappingContext {
  now: Date;
  libVersion: string;
  /** The project key the forwarder sends with; a different `api_key` in the body only yields a warning. */
  configuredApiKey?: string | undefined;
  /** Event names captured with `$process_person_profile: false`. */
  personlessEvents: ReadonlySet<string>;
  /** Turns dropped properties into errors. */
  strict: boolean;
}

export type MapResult = { ok: true; events: PostHogEvent[]; warnings: FieldIssue[] } | { ok: false; errors: FieldIssue[] };

/**
 * Maps a connector body (one event, `$identify`, `$create_alias`, `{"batch":[...]}` or a JSON list of events) to
 * PostHog events; all or nothing. Never throws: every input yields events or errors.
 */
export function mapConnectorBody(body: unknown, ctx: MappingContext): MapResult {
  const structure = checkStructure(body);
  if (structure.errors.length > 0) return { ok: false, errors: capIssues(structure.errors) };
  const warnings = [...structure.warnings];

  let items: unknown[];
  let prefix: (index: number) => string;
  if (Array.isArray(body)) {
    if (body.length === 0 || body.length > MAX_BATCH_EVENTS) {
      return { ok: false, errors: [{ path: '(body)', message: `must hold between 1 and ${MAX_BATCH_EVENTS} events` }] };
    }
    items = body;
    prefix = String;
  } else if (isBatchBody(body)) {
    const parsed = ConnectorBatchSchema.safeParse(body);
    if (!parsed.success) return { ok: false, errors: toFieldIssues(parsed.error) };
    for (const key of Object.keys(body)) {
      if (!KNOWN_BATCH_FIELDS.has(key) && key !== '__proto__') warnings.push(ignoredField(key, ''));
    }
    warnings.push(...checkBodyKey(body, '', ctx.configuredApiKey));
    items = parsed.data.batch;
    prefix = (index) => `batch.${index}`;
  } else {
    items = [body];
    prefix = () => '';
  }

  const events: PostHogEvent[] = [];
  const errors: FieldIssue[] = [];
  items.forEach((item, index) => {
    const result = mapConnectorEvent(item, ctx, index, prefix(index));
    if (result.ok) {
      events.push(...result.events);
      warnings.push(...result.warnings);
    } else errors.push(...result.errors);
  });
  return errors.length > 0 ? { ok: false, errors: capIssues(errors) } : { ok: true, events, warnings: capIssues(warnings) };
}

/** Where the index-th event of a body stands: `batch.3`, `3` (a JSON list) or `(body)` (a single event). */
export function eventPath(body: unknown, index: number): string {
  if (Array.isArray(body)) return String(index);
  return isBatchBody(body) ? `batch.${index}` : '(body)';
}

const isBatchBody = (body: unknown): body is Record<string, unknown> => isPlainObject(body) && 'batch' in body && !('event' in body);

/** Maps one event; `prefix` is its path in the body (`batch.3`) and `index` its position (part of its uuid when it brings no id). */
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
  const fromTop = body.distinct_id !== undefined;
  const distinctId = readIdentifier(fromTop ? body.distinct_id : rawProperties.distinct_id, {
    path: at(fromTop ? 'distinct_id' : 'properties.distinct_id'),
    missingPath: at('distinct_id'),
    what: 'distinct_id',
    purpose: 'the user id PostHog should attribute the event to',
    errors,
    warnings,
  });

  for (const key of Object.keys(input)) {
    if (!KNOWN_TOP_LEVEL_FIELDS.has(key) && key !== '__proto__') warnings.push(ignoredField(key, prefix));
  }
  warnings.push(...checkBodyKey(input, prefix, ctx.configuredApiKey));

  const isAlias = body.event === '$create_alias';
  const {
    $set: propsSet,
    $set_once: propsSetOnce,
    $insert_id: propsInsertId,
    distinct_id: _distinctId,
    alias: propsAlias,
    api_key: propsApiKey,
    ...otherProps
  } = rawProperties;
  if (propsApiKey !== undefined) warnings.push({ path: at('properties.api_key'), message: 'ignored: a project key is never forwarded' });
  if (typeof otherProps.token === 'string' && otherProps.token.startsWith('phc_')) {
    delete otherProps.token;
    warnings.push({ path: at('properties.token'), message: 'ignored: a project key is never forwarded' });
  }
  if (propsAlias !== undefined && !isAlias) defineValue(otherProps, 'alias', propsAlias);
  for (const [field, value] of [
    ['$set', propsSet],
    ['$set_once', propsSetOnce],
  ] as const) {
    if (value !== undefined && !isPlainObject(value)) {
      warnings.push({ path: at(`properties.${field}`), message: 'ignored: must be a JSON object of person properties' });
    }
  }

  const properties = collect(cleanRecord(otherProps, at('properties')), ctx, errors, warnings);
  const $set = collect(cleanRecord({ ...asRecord(propsSet), ...(body.$set ?? {}) }, at('$set')), ctx, errors, warnings);
  const $setOnce = collect(cleanRecord({ ...asRecord(propsSetOnce), ...(body.$set_once ?? {}) }, at('$set_once')), ctx, errors, warnings);

  let alias: string | undefined;
  if (isAlias) {
    const fromProps = propsAlias !== undefined || body.alias === undefined;
    alias = readIdentifier(fromProps ? propsAlias : body.alias, {
      path: at(fromProps ? 'properties.alias' : 'alias'),
      missingPath: at('properties.alias'),
      what: 'alias',
      purpose: 'the other id PostHog should merge into distinct_id',
      errors,
      warnings,
    });
    if (alias !== undefined && alias === distinctId) {
      warnings.push({ path: at('properties.alias'), message: 'equals distinct_id: PostHog has nothing to merge' });
    }
  } else if (body.alias !== undefined) warnings.push(ignoredField('alias', prefix));

  const insertId = readInsertId(body.$insert_id ?? propsInsertId, at('$insert_id'), warnings);
  const uuidKey = insertId === undefined ? undefined : { insertId, event: body.event, distinctId: distinctId ?? '' };
  const uuid = chooseUuid(body.uuid, uuidKey, input, index, at('uuid'), warnings);
  const timestamp = chooseTimestamp(body.timestamp, ctx.now, at('timestamp'), errors, warnings);

  if (errors.length > 0 || distinctId === undefined) return { ok: false, errors };

  const personless = ctx.personlessEvents.has(body.event);
  if (personless && (Object.keys($set).length > 0 || Object.keys($setOnce).length > 0)) {
    warnings.push({ path: at('$set'), message: `ignored: "${body.event}" is an outreach event, sent without a person profile` });
  }
  const moengageUserId = properties.$moengage_user_id;
  if (!personless && moengageUserId !== undefined && !Object.hasOwn($set, '$moengage_user_id')) {
    defineValue($set, '$moengage_user_id', moengageUserId);
  }
  if (!personless && Object.keys($set).length > 0) defineValue(properties, '$set', $set);
  if (!personless && Object.keys($setOnce).length > 0) defineValue(properties, '$set_once', $setOnce);
  if (alias !== undefined) defineValue(properties, 'alias', alias);
  if (insertId !== undefined) defineValue(properties, '$insert_id', insertId);
  if (personless) defineValue(properties, '$process_person_profile', false);
  stampLibrary(properties, ctx.libVersion);

  return { ok: true, events: [{ event: body.event, distinct_id: distinctId, properties, timestamp, uuid }], warnings };
}

function collect(result: CleanResult, ctx: MappingContext, errors: FieldIssue[], warnings: FieldIssue[]): Record<string, unknown> {
  (ctx.strict ? errors : warnings).push(...result.dropped);
  warnings.push(...result.warnings);
  return result.value;
}

const asRecord = (value: unknown): Record<string, unknown> => (isPlainObject(value) ? value : {});
