import { describeProblem, templateProblem } from '../mapping/template-hygiene.ts';
import { type InsertKey, isUuid, uuidFromContent, uuidFromInsertId } from '../mapping/event-id.ts';
import { normalizeTimestamp } from '../mapping/timestamp.ts';
import { type FieldIssue, joinPath } from '../mapping/warnings.ts';
import { TIME_SHIFT_FIELDS } from './schema.ts';

/** The top-level fields of a connector event besides ids and properties: each read on its own, pure. */

/** PostHog clamps timestamps more than 23 h in the future to the time it receives the event. */
const MAX_FUTURE_MS = 23 * 60 * 60 * 1000;

export function ignoredField(key: string, prefix: string): FieldIssue {
  const path = joinPath(prefix, key);
  if (TIME_SHIFT_FIELDS.has(key)) {
    return { path, message: 'ignored: the forwarder never sends sent_at or offset (PostHog would shift the timestamp)' };
  }
  return { path, message: 'ignored: not a PostHog capture field (put it under "properties")' };
}

/** A project key in the body is never forwarded; say so when it differs from the configured one. */
export function checkBodyKey(input: Record<string, unknown>, prefix: string, configuredApiKey: string | undefined): FieldIssue[] {
  const field = input.api_key !== undefined ? 'api_key' : input.token !== undefined ? 'token' : undefined;
  if (field === undefined || input[field] === configuredApiKey) return [];
  return [{ path: joinPath(prefix, field), message: 'ignored: events are sent with the project key configured in the forwarder' }];
}

export function readInsertId(raw: unknown, path: string, warnings: FieldIssue[]): string | undefined {
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

/** A valid `uuid` as sent; else from `$insert_id`; else from the event's own JSON and position (`input`, `index`). */
export function chooseUuid(
  raw: unknown,
  insertKey: InsertKey | undefined,
  input: unknown,
  index: number,
  path: string,
  warnings: FieldIssue[],
): string {
  if (raw !== undefined) {
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (isUuid(text)) return text.toLowerCase();
    const problem = templateProblem(raw);
    const why = problem ? `the value ${describeProblem(problem)}` : 'not a valid UUID (PostHog would reject the whole request)';
    warnings.push({ path, message: `ignored: ${why}; another id was assigned` });
  }
  if (insertKey !== undefined) return uuidFromInsertId(insertKey);
  return uuidFromContent(input, index);
}

export function chooseTimestamp(
  raw: string | number | undefined,
  now: Date,
  path: string,
  errors: FieldIssue[],
  warnings: FieldIssue[],
): string {
  if (raw === undefined) return now.toISOString();
  const problem = templateProblem(raw);
  if (problem) {
    warnings.push({ path, message: `ignored: the value ${describeProblem(problem)}; the intake time was used` });
    return now.toISOString();
  }
  const result = normalizeTimestamp(raw);
  if (!result.ok) {
    errors.push({ path, message: result.message });
    return now.toISOString();
  }
  if (Date.parse(result.value) - now.getTime() > MAX_FUTURE_MS) {
    warnings.push({
      path,
      message: 'is more than 23 hours after the intake time; PostHog will record the time it receives the event instead',
    });
  }
  return result.value;
}
