import { request } from 'undici';
import type { PostHogClientDeps } from './capture-client.ts';
import { describeRequestFailure } from '../lib/request-failure.ts';

/**
 * Capture answers 200 even for an unknown project key; PostHog's flags endpoint answers 401 for one
 * (reference/posthog-capture.md, "Checking a project key"). Route: `POST {host}/flags?v=2` with the project
 * token and a distinct_id (posthog.com/docs/feature-flags/installation/api); older instances only have
 * `/decide/?v=3` (posthog.com/tutorials/api-feature-flags).
 */
export const KEY_CHECK_ROUTES = ['/flags/?v=2', '/decide/?v=3'] as const;
export const KEY_CHECK_DISTINCT_ID = 'moengage-posthog-forwarder-key-check';
const MAX_MESSAGE_CHARS = 300;

export type KeyCheck =
  | { status: 'valid' }
  | { status: 'invalid'; httpStatus: number; message: string }
  | { status: 'unchecked'; reason: string };

/** Asks the flags endpoint whether `apiKey` names a project; 404 falls back to /decide/, then gives up. Never throws. */
export async function checkProjectKey(deps: PostHogClientDeps, baseUrl: string, apiKey: string): Promise<KeyCheck> {
  let lastStatus = 0;
  for (const route of KEY_CHECK_ROUTES) {
    try {
      const response = await request(`${baseUrl}${route}`, {
        method: 'POST',
        dispatcher: deps.dispatcher,
        headers: { 'content-type': 'application/json', 'user-agent': deps.userAgent },
        body: JSON.stringify({ token: apiKey, api_key: apiKey, distinct_id: KEY_CHECK_DISTINCT_ID }),
        signal: AbortSignal.timeout(deps.timeoutMs),
        headersTimeout: deps.timeoutMs,
        bodyTimeout: deps.timeoutMs,
      });
      const text = (await response.body.text()).slice(0, MAX_MESSAGE_CHARS);
      lastStatus = response.statusCode;
      if (response.statusCode >= 200 && response.statusCode < 300) return { status: 'valid' };
      if (response.statusCode === 401 || response.statusCode === 403) {
        return { status: 'invalid', httpStatus: response.statusCode, message: text || `HTTP ${response.statusCode}` };
      }
      if (response.statusCode !== 404) return { status: 'unchecked', reason: `${route} answered HTTP ${response.statusCode}` };
    } catch (error) {
      const failure = describeRequestFailure(error, deps.timeoutMs);
      const why = failure.aborted ? failure.message : failure.code;
      return { status: 'unchecked', reason: `${route} could not be reached (${why})` };
    }
  }
  return { status: 'unchecked', reason: `this PostHog has no flags endpoint (HTTP ${lastStatus}; an older self-hosted version?)` };
}
