import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from '../../../local/loopback.ts';

/** A person as PostHog's cohort persons endpoint serializes it. */
export interface FakePerson {
  id: string;
  uuid?: string;
  distinct_ids: string[];
  properties: Record<string, unknown>;
  is_identified?: boolean;
}

export interface FakeApiReply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface PostHogRequest {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

/**
 * PostHog's private API on 127.0.0.1: `GET /api/projects/{p}/cohorts/{c}/` and `.../persons/?limit&offset` with
 * PostHog's pagination (`next` is an absolute URL while a page is full, else null), Bearer personal-key auth, and a
 * hook to inject 429/5xx answers.
 */
export interface FakePostHogApi {
  url: string;
  requests: PostHogRequest[];
  setCohort(projectId: string, cohortId: string, persons: FakePerson[], info?: { is_calculating?: boolean; deleted?: boolean }): void;
  /** Return a reply to answer with it instead of the normal response; undefined to answer normally. */
  intercept(hook: ((request: PostHogRequest, index: number) => FakeApiReply | undefined) | undefined): void;
  validKey: string;
  close(): Promise<void>;
}

export async function startFakePostHogApi(validKey = 'phx_test_key'): Promise<FakePostHogApi> {
  const cohorts = new Map<string, { persons: FakePerson[]; info: { is_calculating?: boolean; deleted?: boolean } }>();
  const requests: PostHogRequest[] = [];
  let hook: ((request: PostHogRequest, index: number) => FakeApiReply | undefined) | undefined;
  let base = '';

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const request: PostHogRequest = { path: url.pathname, query: url.searchParams, headers: req.headers };
    requests.push(request);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(typeof body === 'string' ? body : JSON.stringify(body));
    const injected = hook?.(request, requests.length - 1);
    if (injected) return send(injected.status, injected.body ?? JSON.stringify({ detail: `HTTP ${injected.status}` }), injected.headers);
    if (req.headers.authorization !== `Bearer ${validKey}`) {
      return send(401, { type: 'authentication_error', code: 'authentication_failed', detail: 'Invalid personal API key.' });
    }
    const match = /^\/api\/projects\/(\d+)\/cohorts\/(\d+)\/(persons\/)?$/.exec(url.pathname);
    const cohort = match ? cohorts.get(`${match[1]}/${match[2]}`) : undefined;
    if (!match || !cohort) return send(404, { type: 'invalid_request', code: 'not_found', detail: 'Not found.' });
    if (!match[3]) {
      return send(200, {
        id: Number(match[2]),
        name: `Cohort ${match[2]}`,
        count: cohort.persons.length,
        deleted: false,
        is_calculating: false,
        ...cohort.info,
      });
    }
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const results = cohort.persons.slice(offset, offset + limit).map((p) => ({ type: 'person', uuid: p.id, name: p.id, ...p }));
    const nextUrl = new URL(url.toString());
    nextUrl.searchParams.set('offset', String(offset + limit));
    // PostHog sets `next` whenever the page is full (len(results) >= limit), as in posthog/api/cohort.py.
    return send(200, { results, next: results.length >= limit ? nextUrl.toString() : null, previous: null });
  });
  base = await listenOnLoopback(server);
  return {
    url: base,
    requests,
    validKey,
    setCohort: (projectId, cohortId, persons, info = {}) => cohorts.set(`${projectId}/${cohortId}`, { persons, info }),
    intercept: (next) => {
      hook = next;
    },
    close: () => closeServer(server),
  };
}

/** `count` identified persons `user-00001`… with `$moengage_user_id` set to `moe-<n>` when `withProperty`. */
export function makePersons(count: number, options: { from?: number; withProperty?: boolean; prefix?: string } = {}): FakePerson[] {
  const from = options.from ?? 1;
  return Array.from({ length: count }, (_, i) => {
    const n = String(from + i).padStart(5, '0');
    const distinctId = `${options.prefix ?? 'user'}-${n}`;
    return {
      id: `018f0000-0000-7000-8000-${n.padStart(12, '0')}`,
      distinct_ids: [distinctId],
      properties: options.withProperty ? { $moengage_user_id: `moe-${n}` } : { email: `${distinctId}@example.com` },
      is_identified: true,
    };
  });
}
