import * as z from 'zod';
import { type CohortPerson, getJson, PostHogApiError, type PostHogReaderDeps } from './posthog-cohort-reader.ts';

/**
 * Large cohorts are read through PostHog's query API, `POST /api/projects/{project_id}/query/` with a `HogQLQuery`
 * (PostHog/posthog posthog/api/query.py). Its throttle is its own: `APIQueriesBurstThrottle` 240/minute and
 * `APIQueriesSustainedThrottle` 2400/hour, or `HogQLQueryThrottle` 120/hour for teams on the older query plan
 * (posthog/rate_limit.py); a SELECT returns at most 50,000 rows (`MAX_SELECT_RETURNED_ROWS`,
 * posthog/hogql/constants.py). One request reads up to 50,000 members where the persons endpoint reads 1,000.
 *
 * Keyset pagination: rows ordered by the person id as text, each page starting after the last id of the previous one
 * (`toString(person_id) > {after}`; text on both sides, since ClickHouse does not order UUIDs as their text), so a
 * member joining or leaving during the read never shifts the other pages, unlike the persons endpoint's offsets.
 * `person_id IN COHORT n` joins the cohort's people on any expression (posthog/hogql/transforms/in_cohort.py);
 * `person` is person_distinct_ids' lazy join to persons (posthog/hogql/database/schema/person_distinct_ids.py).
 * Every distinct id of a person is returned, sorted, so the fallback id is stable.
 */
export const MAX_QUERY_ROWS = 50_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The HogQL of one page; `property` was checked to hold no backtick (config.ts), `after` to be a UUID. */
export function cohortMembersQuery(cohortId: string, property: string, limit: number, after: string | undefined): string {
  if (!/^\d+$/.test(cohortId)) throw new RangeError(`cohort id ${cohortId} is not numeric`);
  if (after !== undefined && !UUID.test(after)) throw new RangeError(`keyset cursor ${after} is not a person UUID`);
  return [
    `SELECT toString(person_id) AS id, any(person.properties.\`${property}\`), any(person.is_identified), arraySort(groupArray(distinct_id))`,
    'FROM person_distinct_ids',
    `WHERE person_id IN COHORT ${cohortId}${after === undefined ? '' : ` AND toString(person_id) > '${after}'`}`,
    'GROUP BY id',
    'ORDER BY id',
    `LIMIT ${Math.min(limit, MAX_QUERY_ROWS)}`,
  ].join('\n');
}

const Row = z.tuple([z.string(), z.unknown(), z.boolean().nullable(), z.array(z.union([z.string(), z.number()]).transform(String))]);
const QueryResponse = z.object({ results: z.array(Row) });

export interface QueryReaderDeps extends PostHogReaderDeps {
  /** The person property that holds the MoEngage user id. */
  property: string;
  queryPageSize: number;
}

/** Every member of the cohort, a page of up to `queryPageSize` (≤ 50,000) persons per query. */
export async function* queryCohortPersons(deps: QueryReaderDeps, projectId: string, cohortId: string): AsyncGenerator<CohortPerson[]> {
  const what = `members of cohort ${cohortId} in project ${projectId} (HogQL)`;
  const url = `${deps.baseUrl}/api/projects/${encodeURIComponent(projectId)}/query/`;
  const limit = Math.min(deps.queryPageSize, MAX_QUERY_ROWS);
  let after: string | undefined;
  for (let page = 1; ; page++) {
    const query = { kind: 'HogQLQuery', query: cohortMembersQuery(cohortId, deps.property, limit, after) };
    const parsed = QueryResponse.safeParse(await getJson(deps, url, `${what} (page ${page})`, { query }));
    if (!parsed.success) throw new PostHogApiError(`${what} (page ${page}): unexpected response shape`, 200, false);
    const persons = parsed.data.results.map(([id, value, identified, distinctIds]) => ({
      id,
      distinct_ids: distinctIds,
      properties: { [deps.property]: value },
      is_identified: identified,
    }));
    yield persons;
    const last = persons.at(-1);
    if (persons.length < limit || last === undefined) return;
    after = last.id;
  }
}
