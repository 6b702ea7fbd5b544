import { gzipSync } from 'node:zlib';
import { type Dispatcher, request } from 'undici';
import type { PostHogEvent } from './posthog-event.ts';
import { parseRetryAfter } from './retry-policy.ts';

/** How a capture response is treated (DESIGN.md, "Delivery semantics"). */
export type ResponseClass = 'ok' | 'rejected' | 'unauthorized' | 'retryable';

export function classifyStatus(status: number): ResponseClass {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 400 || status === 413) return 'rejected';
  if (status === 401 || status === 403) return 'unauthorized';
  return 'retryable';
}

export type SendResult =
  | { ok: true; status: number }
  | { ok: false; kind: Exclude<ResponseClass, 'ok'>; status: number | undefined; message: string; retryAfterMs: number | undefined };

export interface PostHogClientDeps {
  dispatcher: Dispatcher;
  timeoutMs: number;
  userAgent: string;
  now?: () => number;
}

const MAX_MESSAGE_CHARS = 500;

/** Serialises a `/batch/` request body. The project key travels in the body; no `sent_at` (see posthog-capture.md). */
export const batchBody = (apiKey: string, events: readonly PostHogEvent[]): string => JSON.stringify({ api_key: apiKey, batch: events });

/** POSTs events to `{baseUrl}/batch/`, gzip-compressed; never throws, every outcome is a value. */
export async function postBatch(
  deps: PostHogClientDeps,
  baseUrl: string,
  apiKey: string,
  events: readonly PostHogEvent[],
): Promise<SendResult> {
  const body = gzipSync(batchBody(apiKey, events));
  try {
    const response = await request(`${baseUrl}/batch/`, {
      method: 'POST',
      dispatcher: deps.dispatcher,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'user-agent': deps.userAgent },
      body,
      signal: AbortSignal.timeout(deps.timeoutMs),
      headersTimeout: deps.timeoutMs,
      bodyTimeout: deps.timeoutMs,
    });
    const text = (await response.body.text()).slice(0, MAX_MESSAGE_CHARS);
    const kind = classifyStatus(response.statusCode);
    if (kind === 'ok') return { ok: true, status: response.statusCode };
    const retryAfter = response.headers['retry-after'];
    return {
      ok: false,
      kind,
      status: response.statusCode,
      message: text || `HTTP ${response.statusCode}`,
      retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, (deps.now ?? Date.now)()),
    };
  } catch (error) {
    const err = error as Error & { code?: string };
    const message =
      err.name === 'TimeoutError' || err.name === 'AbortError'
        ? `timed out after ${deps.timeoutMs} ms`
        : `${err.code ?? err.name}: ${err.message}`;
    return { ok: false, kind: 'retryable', status: undefined, message, retryAfterMs: undefined };
  }
}
