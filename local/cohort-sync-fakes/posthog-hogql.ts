/**
 * The one HogQL query shape the cohort sync sends (shared/cohort-sync/posthog-query-reader.ts), executed over the
 * fake's persons as PostHog would: `person_distinct_ids` grouped by `person_id`, members of `IN COHORT n`, ordered by
 * person id, after the keyset cursor, at most `LIMIT` rows and never more than 50,000 (`MAX_SELECT_RETURNED_ROWS`,
 * PostHog/posthog posthog/hogql/constants.py). Any other query is refused with 400, as a query PostHog cannot parse.
 */
export interface HogQLPerson {
  id: string;
  distinct_ids: string[];
  properties: Record<string, unknown>;
  is_identified?: boolean;
}

export const MAX_SELECT_RETURNED_ROWS = 50_000;

const SHAPE =
  /^SELECT toString\(person_id\) AS id, any\(person\.properties\.`([^`]+)`\), any\(person\.is_identified\), arraySort\(groupArray\(distinct_id\)\)\nFROM person_distinct_ids\nWHERE person_id IN COHORT (\d+)(?: AND toString\(person_id\) > '([0-9a-f-]{36})')?\nGROUP BY id\nORDER BY id\nLIMIT (\d+)$/;

export type HogQLResult = { ok: true; cohortId: string; results: unknown[][] } | { ok: false; message: string };

export function runCohortQuery(query: string, personsOf: (cohortId: string) => HogQLPerson[] | undefined): HogQLResult {
  const match = SHAPE.exec(query);
  if (!match) return { ok: false, message: `unsupported query: ${query.slice(0, 120)}` };
  const [, property = '', cohortId = '', after, limit = '0'] = match;
  const persons = personsOf(cohortId);
  if (persons === undefined) return { ok: false, message: `Cohort ${cohortId} does not exist` };
  const rows = persons
    .filter((p) => after === undefined || p.id > after)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, Math.min(Number(limit), MAX_SELECT_RETURNED_ROWS))
    .map((p) => [p.id, p.properties[property] ?? null, p.is_identified ?? null, [...p.distinct_ids].sort()]);
  return { ok: true, cohortId, results: rows };
}
