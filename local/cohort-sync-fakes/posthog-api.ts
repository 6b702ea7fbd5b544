import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from '../loopback.ts';
import { type HogQLPerson, runCohortQuery } from './posthog-hogql.ts';
import { slidingWindow } from './window.ts';

/** A person as PostHog's cohort persons endpoint serializes it. */
export interface FakePerson extends HogQLPerson {
  uuid?: string;
}

export interface FakeApiReply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface PostHogRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * PostHog's private API on 127.0.0.1, as in PostHog/posthog:
 * - `GET /api/projects/{p}/cohorts/{c}/` with `count`, `version` and `last_calculation` (bumped by each setCohort,
 *   like a recalculation);
 * - `GET .../persons/?limit&offset` (posthog/api/cohort.py): `next` while a page is full, at most 10 `distinct_ids`
 *   per person (`get_serialized_people(..., distinct_id_limit=10)`), whose order `rotateDistinctIds` varies;
 * - `POST /api/projects/{p}/query/` with the HogQL the sync sends (posthog-hogql.ts);
 * - throttles of posthog/rate_limit.py on the fake's clock, answered 429 with `Retry-After` (Django REST framework's
 *   Throttled): cohorts and persons share 240/minute and 1,200/hour (ClickHouseBurst/SustainedRateThrottle), the
 *   query API 240/minute and `queryPerHour` (2,400, or 120 for HogQLQueryThrottle);
 * - Bearer personal-key auth, and a hook to inject answers.
 */
export interface FakePostHogApi {
  url: string;
  requests: PostHogRequest[];
  setCohort(projectId: string, cohortId: string, persons: FakePerson[], info?: { is_calculating?: boolean; deleted?: boolean }): void;
  /** Return a reply to answer with it instead of the normal response; undefined to answer normally. */
  intercept(hook: ((request: PostHogRequest, index: number) => FakeApiReply | undefined) | undefined): void;
  /** Serve each person's distinct ids rotated by the number of persons requests so far (PostHog sets no order). */
  rotateDistinctIds: boolean;
  validKey: string;
  close(): Promise<void>;
}

export interface FakePostHogOptions {
  validKey?: string;
  now?: () => number;
  queryPerHour?: number;
}

export async function startFakePostHogApi(options: FakePostHogOptions = {}): Promise<FakePostHogApi> {
  const { validKey = 'phx_test_key', now = Date.now, queryPerHour = 2400 } = options;
  const cohorts = new Map<
    string,
    { persons: FakePerson[]; info: { is_calculating?: boolean; deleted?: boolean }; version: number; at: number }
  >();
  const throttles = {
    analytics: [slidingWindow(240, 60_000), slidingWindow(1200, 3_600_000)],
    query: [slidingWindow(240, 60_000), slidingWindow(queryPerHour, 3_600_000)],
  };
  const requests: PostHogRequest[] = [];
  let hook: ((request: PostHogRequest, index: number) => FakeApiReply | undefined) | undefined;
  let base = '';
  let personsServed = 0;
  const api: FakePostHogApi = {
    url: '',
    requests,
    validKey,
    rotateDistinctIds: false,
    setCohort: (projectId, cohortId, persons, info = {}) => {
      const key = `${projectId}/${cohortId}`;
      cohorts.set(key, { persons, info, version: (cohorts.get(key)?.version ?? 0) + 1, at: now() });
    },
    intercept: (next) => {
      hook = next;
    },
    close: () => closeServer(server),
  };

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', base);
    const request: PostHogRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(request);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(typeof body === 'string' ? body : JSON.stringify(body));
    const injected = hook?.(request, requests.length - 1);
    if (injected) return send(injected.status, injected.body ?? JSON.stringify({ detail: `HTTP ${injected.status}` }), injected.headers);
    if (req.headers.authorization !== `Bearer ${validKey}`) {
      return send(401, { type: 'authentication_error', code: 'authentication_failed', detail: 'Invalid personal API key.' });
    }
    const isQuery = /^\/api\/projects\/\d+\/query\/$/.test(url.pathname) && request.method === 'POST';
    for (const window of isQuery ? throttles.query : throttles.analytics) {
      const slot = window.take(now());
      if (!slot.ok) {
        const seconds = Math.ceil(slot.waitMs / 1000);
        return send(
          429,
          { type: 'throttled_error', code: 'throttled', detail: `Request was throttled. Expected available in ${seconds} seconds.` },
          { 'retry-after': String(seconds) },
        );
      }
    }
    if (isQuery) {
      const projectId = url.pathname.split('/')[3];
      const query = (JSON.parse(request.body || '{}') as { query?: { kind?: string; query?: string } }).query;
      if (query?.kind !== 'HogQLQuery' || typeof query.query !== 'string')
        return send(400, { type: 'validation_error', detail: 'query.kind must be HogQLQuery' });
      const result = runCohortQuery(query.query, (cohortId) => cohorts.get(`${projectId}/${cohortId}`)?.persons);
      if (!result.ok) return send(400, { type: 'validation_error', code: 'invalid_input', detail: result.message });
      return send(200, { results: result.results, columns: ['person_id', 'uid', 'is_identified', 'distinct_ids'], hasMore: false });
    }
    const match = /^\/api\/projects\/(\d+)\/cohorts\/(\d+)\/(persons\/)?$/.exec(url.pathname);
    const cohort = match ? cohorts.get(`${match[1]}/${match[2]}`) : undefined;
    if (!match || !cohort) return send(404, { type: 'invalid_request', code: 'not_found', detail: 'Not found.' });
    if (!match[3]) {
      return send(200, {
        id: Number(match[2]),
        name: `Cohort ${match[2]}`,
        count: cohort.persons.length,
        version: cohort.version,
        last_calculation: new Date(cohort.at).toISOString(),
        deleted: false,
        is_calculating: false,
        ...cohort.info,
      });
    }
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const turn = personsServed++;
    const results = cohort.persons.slice(offset, offset + limit).map((p) => {
      const ids = api.rotateDistinctIds
        ? [...p.distinct_ids.slice(turn % p.distinct_ids.length), ...p.distinct_ids.slice(0, turn % p.distinct_ids.length)]
        : p.distinct_ids;
      return { type: 'person', uuid: p.id, name: p.id, ...p, distinct_ids: ids.slice(0, 10) };
    });
    const nextUrl = new URL(url.toString());
    nextUrl.searchParams.set('offset', String(offset + limit));
    // PostHog sets `next` whenever the page is full (len(results) >= limit), as in posthog/api/cohort.py.
    return send(200, { results, next: results.length >= limit ? nextUrl.toString() : null, previous: null });
  });
  base = await listenOnLoopback(server);
  api.url = base;
  return api;
}

/** `count` identified persons `user-00001`… with `$moengage_user_id` set to `moe-<n>` when `withProperty`. */
export function makePersons(count: number, options: { from?: number; withProperty?: boolean; prefix?: string } = {}): FakePerson[] {
  const from = options.from ?? 1;
  return Array.from({ length: count }, (_, i) => {
    const n = String(from + i).padStart(5, '0');
    const distinctId = `${options.prefix ?? 'user'}-${n}`;
    return {
      id: `018f0000-0000-7000-8000-${String(from + i).padStart(12, '0')}`,
      distinct_ids: [distinctId],
      properties: options.withProperty ? { $moengage_user_id: `moe-${n}` } : { email: `${distinctId}@example.com` },
      is_identified: true,
    };
  });
}
