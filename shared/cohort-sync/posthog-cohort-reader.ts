import * as z from 'zod';
import { type HttpDeps, requestWithRetry } from './http.ts';

/**
 * A person as `GET /api/projects/{project_id}/cohorts/{id}/persons/` returns it (PostHog/posthog posthog/api/cohort.py,
 * `CohortViewSet.persons`; SerializedPerson in posthog/queries/actor_base_query.py). Only the fields used are checked.
 * That endpoint serializes at most 10 `distinct_ids` per person (`get_serialized_people(team, actor_ids,
 * distinct_id_limit=10)`), in no guaranteed order.
 */
export const CohortPersonSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  distinct_ids: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  properties: z
    .record(z.string(), z.unknown())
    .nullable()
    .transform((p) => p ?? {})
    .default({}),
  is_identified: z.boolean().nullable().optional(),
});
export type CohortPerson = z.infer<typeof CohortPersonSchema>;

const PageSchema = z.object({ results: z.array(CohortPersonSchema), next: z.string().nullable().optional() });

/** `GET /api/projects/{project_id}/cohorts/{id}/` (scope cohort:read): the fields that tell whether reading makes sense. */
const CohortSchema = z.object({
  id: z.union([z.number(), z.string()]),
  name: z.string().nullable().optional(),
  deleted: z.boolean().optional(),
  is_calculating: z.boolean().optional(),
  count: z.number().nullable().optional(),
  /** Bumped by each recalculation, with `last_calculation` (posthog/api/cohort.py, CohortSerializer): tells an unchanged cohort. */
  version: z.number().nullable().optional(),
  last_calculation: z.string().nullable().optional(),
});
export type CohortInfo = z.infer<typeof CohortSchema>;

export class PostHogApiError extends Error {
  override name = 'PostHogApiError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface PostHogReaderDeps {
  http: HttpDeps;
  /** The app host: https://us.posthog.com, https://eu.posthog.com or a self-hosted URL. */
  baseUrl: string;
  personalApiKey: string;
  pageSize: number;
}

const headers = (key: string) => ({ authorization: `Bearer ${key}`, accept: 'application/json' });

function explain(status: number | undefined, message: string, what: string): string {
  if (status === 401) return `${what}: PostHog refused the personal API key (401): ${message}`;
  if (status === 403)
    return `${what}: the personal API key lacks a scope or project access (403; needs cohort:read, person:read and, for large cohorts, query:read): ${message}`;
  if (status === 404) return `${what}: not found (404): check the project id and cohort id`;
  return `${what}: ${status === undefined ? message : `HTTP ${status}: ${message}`}`;
}

export async function getJson(deps: PostHogReaderDeps, url: string, what: string, body?: unknown): Promise<unknown> {
  const result = await requestWithRetry(
    deps.http,
    url,
    body === undefined
      ? { method: 'GET', headers: headers(deps.personalApiKey) }
      : { method: 'POST', headers: { ...headers(deps.personalApiKey), 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  if (!result.ok) throw new PostHogApiError(explain(result.status, result.message, what), result.status, result.retryable);
  try {
    return JSON.parse(result.text);
  } catch {
    throw new PostHogApiError(`${what}: PostHog answered with something that is not JSON`, result.status, false);
  }
}

const cohortPath = (projectId: string, cohortId: string) =>
  `/api/projects/${encodeURIComponent(projectId)}/cohorts/${encodeURIComponent(cohortId)}/`;

export async function getCohort(deps: PostHogReaderDeps, projectId: string, cohortId: string): Promise<CohortInfo> {
  const what = `cohort ${cohortId} in project ${projectId}`;
  const parsed = CohortSchema.safeParse(await getJson(deps, `${deps.baseUrl}${cohortPath(projectId, cohortId)}`, what));
  if (!parsed.success) throw new PostHogApiError(`${what}: unexpected response shape`, 200, false);
  return parsed.data;
}

/**
 * The next page's URL, kept on the configured origin: PostHog builds `next` from the request it saw, which behind
 * a proxy may differ in scheme or host, and the personal API key must never travel anywhere else.
 */
export function nextPageUrl(next: string | null | undefined, baseUrl: string): string | undefined {
  if (next === null || next === undefined || next === '') return undefined;
  const base = new URL(baseUrl);
  const url = new URL(next, base);
  return `${base.origin}${url.pathname}${url.search}`;
}

/** Every person of the cohort, page by page (offset pagination, following `next` until it is null). */
export async function* readCohortPersons(deps: PostHogReaderDeps, projectId: string, cohortId: string): AsyncGenerator<CohortPerson[]> {
  const what = `persons of cohort ${cohortId} in project ${projectId}`;
  let url: string | undefined = `${deps.baseUrl}${cohortPath(projectId, cohortId)}persons/?limit=${deps.pageSize}&offset=0`;
  let page = 0;
  while (url !== undefined) {
    page++;
    const parsed = PageSchema.safeParse(await getJson(deps, url, `${what} (page ${page})`));
    if (!parsed.success) throw new PostHogApiError(`${what} (page ${page}): unexpected response shape`, 200, false);
    yield parsed.data.results;
    const next = nextPageUrl(parsed.data.next, deps.baseUrl);
    url = parsed.data.results.length === 0 ? undefined : next;
  }
}
