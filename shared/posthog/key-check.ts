import type { PostHogClientDeps } from './capture-client.ts';
import { describeRequestFailure } from '../lib/request-failure.ts';

/**
 * Capture answers 200 even for an unknown project key; PostHog's flags endpoint answers 401 for one. Route:
 * `POST {host}/flags/?v=2` with the project key and a distinct_id (posthog.com/docs/api/flags); older instances
 * only have `/decide/?v=3`. The body carries the key in ONE field: PostHog's flags service declares `token` with the
 * serde aliases `$token` and `api_key` (PostHog/posthog rust/feature-flags/src/flags/flag_request.rs), so a body with
 * two of them fails with "duplicate field `token`" and a 400. See docs/architecture.md, "PostHog: Checking the project key".
 */
export const KEY_CHECK_ROUTES = ['/flags/?v=2', '/decide/?v=3'] as const;
export const KEY_CHECK_DISTINCT_ID = 'moengage-posthog-forwarder-key-check';
/** The built-in local capture sink marks its flags answers with this header: it has no project keys to check. */
export const LOCAL_SINK_HEADER = 'x-moengage-posthog-local-sink';
const MAX_MESSAGE_CHARS = 300;

/**
 * - `valid`: PostHog knows the key.
 * - `refused`: 401/403. Usually an unknown or revoked key, but PostHog's flags service also answers 401 when its
 *   own database lookup fails (rust/feature-flags/src/flags/flag_service.rs), so it is "refused", not "invalid".
 * - `failed`: PostHog could not answer the check (400: our request is wrong; 429/5xx, timeout, no connection).
 * - `unchecked`: no flags endpoint at all (404 on every route, an older self-hosted PostHog), or the local sink.
 */
export type KeyCheck =
  | { status: 'valid' }
  | { status: 'refused'; httpStatus: number; message: string }
  | { status: 'failed'; httpStatus: number | undefined; message: string }
  | { status: 'unchecked'; reason: 'no_flags_endpoint' | 'local_sink'; message: string };

/** The body of a key check: the key in the one field posthog.com's flags API docs show. */
export const keyCheckBody = (apiKey: string): string => JSON.stringify({ api_key: apiKey, distinct_id: KEY_CHECK_DISTINCT_ID });

/** Asks the flags endpoint whether `apiKey` names a project; 404 falls back to /decide/. Never throws. */
export async function checkProjectKey(deps: PostHogClientDeps, baseUrl: string, apiKey: string): Promise<KeyCheck> {
  for (const route of KEY_CHECK_ROUTES) {
    let statusCode: number;
    let text: string;
    let localSink: boolean;
    try {
      const response = await deps.send({
        method: 'POST',
        url: `${baseUrl}${route}`,
        headers: { 'content-type': 'application/json', 'user-agent': deps.userAgent },
        body: keyCheckBody(apiKey),
        timeoutMs: deps.timeoutMs,
      });
      statusCode = response.status;
      text = response.text.slice(0, MAX_MESSAGE_CHARS);
      localSink = response.header(LOCAL_SINK_HEADER) !== undefined;
    } catch (error) {
      const failure = describeRequestFailure(error, deps.timeoutMs);
      return {
        status: 'failed',
        httpStatus: undefined,
        message: `${route} could not be reached (${failure.aborted ? failure.message : failure.code})`,
      };
    }
    const outcome = classifyKeyCheck(route, statusCode, text, localSink);
    if (outcome) return outcome;
  }
  return {
    status: 'unchecked',
    reason: 'no_flags_endpoint',
    message: 'this PostHog has no flags endpoint (HTTP 404 on /flags/ and /decide/; an older self-hosted version?)',
  };
}

/** One flags answer as a key-check outcome; `undefined` for a 404 (try the next route). Pure. */
export function classifyKeyCheck(route: string, status: number, text: string, localSink = false): KeyCheck | undefined {
  if (localSink) {
    return {
      status: 'unchecked',
      reason: 'local_sink',
      message: 'the built-in local capture sink answered: no PostHog project key was checked',
    };
  }
  if (status >= 200 && status < 300) return { status: 'valid' };
  if (status === 404) return undefined;
  if (status === 401 || status === 403) return { status: 'refused', httpStatus: status, message: text || `HTTP ${status}` };
  const why = status === 400 ? 'refused the check request itself as malformed (a forwarder bug: please report it)' : 'could not answer';
  return { status: 'failed', httpStatus: status, message: `${route} ${why}: HTTP ${status}${text ? ` ${text}` : ''}` };
}
