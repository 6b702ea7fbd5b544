import { gzipSync } from 'node:zlib';
import { Agent, type Dispatcher, request } from 'undici';
import type { PostHogEvent } from './event.ts';
import { describeRequestFailure } from '../lib/request-failure.ts';
import { parseRetryAfter } from '../lib/retry-policy.ts';

/** How a capture response is treated (docs/architecture.md, "Delivery semantics"; docs/architecture.md, "PostHog: Responses"). */
export type ResponseClass = 'ok' | 'rejected' | 'unauthorized' | 'retryable';

/**
 * 2xx done; 400/413 refuse the request's content (split, then dead-letter); 401/403 a key problem (retried, alarmed);
 * everything else (408, 429, 5xx, and unexpected codes such as a 404 from a mistyped host) is retried, so a
 * misconfiguration delays events instead of dropping them.
 */
export function classifyStatus(status: number): ResponseClass {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 400 || status === 413) return 'rejected';
  if (status === 401 || status === 403) return 'unauthorized';
  return 'retryable';
}

export type SendResult =
  | { ok: true; status: number }
  | {
      ok: false;
      kind: Exclude<ResponseClass, 'ok'>;
      status: number | undefined;
      message: string;
      retryAfterMs: number | undefined;
      /** Set when no HTTP status came back. */
      failure?: 'timeout' | 'network';
    };

export interface PostHogClientDeps {
  dispatcher: Dispatcher;
  /** Whole-request timeout (connect, send, headers and body). */
  timeoutMs: number;
  userAgent: string;
  now?: () => number;
}

const MAX_MESSAGE_CHARS = 500;
/** A TCP/TLS connect that takes longer than this fails fast; the request timeout still bounds the whole request. */
export const CONNECT_TIMEOUT_MS = 3_000;

/** One keep-alive pool per container, reused across invocations (build it at module scope). */
export const createPostHogDispatcher = (options: { connectTimeoutMs?: number; connections?: number } = {}): Agent =>
  new Agent({
    keepAliveTimeout: 30_000,
    connections: options.connections ?? 16,
    connect: { timeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS },
  });

/** Serialises a `/batch/` request body. The project key travels in the body; no `sent_at` (see posthog-capture.md). */
export const batchBody = (apiKey: string, events: readonly PostHogEvent[]): string => JSON.stringify({ api_key: apiKey, batch: events });

/**
 * The same body built from events already serialised as JSON (the SQS message bodies), inserted verbatim so that
 * every resend carries byte-identical events.
 */
export const rawBatchBody = (apiKey: string, eventJson: readonly string[]): string =>
  `{"api_key":${JSON.stringify(apiKey)},"batch":[${eventJson.join(',')}]}`;

/** POSTs events to `{baseUrl}/batch/`, gzip-compressed; never throws, every outcome is a value. */
export function postBatch(deps: PostHogClientDeps, baseUrl: string, apiKey: string, events: readonly PostHogEvent[]): Promise<SendResult> {
  return postBody(deps, baseUrl, batchBody(apiKey, events));
}

/** As `postBatch`, for events given as their JSON text (each must be one valid JSON object). */
export function postRawBatch(deps: PostHogClientDeps, baseUrl: string, apiKey: string, eventJson: readonly string[]): Promise<SendResult> {
  return postBody(deps, baseUrl, rawBatchBody(apiKey, eventJson));
}

async function postBody(deps: PostHogClientDeps, baseUrl: string, json: string): Promise<SendResult> {
  const body = gzipSync(json);
  try {
    const response = await request(`${baseUrl.replace(/\/+$/, '')}/batch/`, {
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
    return {
      ok: false,
      kind,
      status: response.statusCode,
      message: text || `HTTP ${response.statusCode}`,
      retryAfterMs: parseRetryAfter(response.headers['retry-after'], (deps.now ?? Date.now)()),
    };
  } catch (error) {
    const { message, timedOut } = describeRequestFailure(error, deps.timeoutMs);
    return { ok: false, kind: 'retryable', status: undefined, message, retryAfterMs: undefined, failure: timedOut ? 'timeout' : 'network' };
  }
}
