import { gzipSync } from 'node:zlib';
import type { PostHogEvent } from './event.ts';
import type { HttpTransport, PoolOptions } from '../lib/http-transport.ts';
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
  /** Sends one request: a node:http pool in the forwarder and prober, built-in fetch for the intake's `?verify=1`. */
  send: HttpTransport;
  /** Whole-request timeout (connect, send, headers and body). */
  timeoutMs: number;
  userAgent: string;
  now?: () => number;
}

const MAX_MESSAGE_CHARS = 500;
/** A TCP/TLS connect that takes longer than this fails fast; the request timeout still bounds the whole request. */
export const CONNECT_TIMEOUT_MS = 3_000;

/**
 * The forwarder's and prober's pool: one per container, reused across invocations (build it at module scope with
 * `createNodeHttpTransport`), at most 16 sockets to PostHog, idle ones kept 30 s.
 */
export const POSTHOG_POOL: PoolOptions = { connections: 16, keepAliveTimeoutMs: 30_000, connectTimeoutMs: CONNECT_TIMEOUT_MS };

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
    const response = await deps.send({
      method: 'POST',
      url: `${baseUrl.replace(/\/+$/, '')}/batch/`,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'user-agent': deps.userAgent },
      body,
      timeoutMs: deps.timeoutMs,
    });
    const text = response.text.slice(0, MAX_MESSAGE_CHARS);
    const kind = classifyStatus(response.status);
    if (kind === 'ok') return { ok: true, status: response.status };
    return {
      ok: false,
      kind,
      status: response.status,
      message: text || `HTTP ${response.status}`,
      retryAfterMs: parseRetryAfter(response.header('retry-after'), (deps.now ?? Date.now)()),
    };
  } catch (error) {
    const { message, timedOut } = describeRequestFailure(error, deps.timeoutMs);
    return { ok: false, kind: 'retryable', status: undefined, message, retryAfterMs: undefined, failure: timedOut ? 'timeout' : 'network' };
  }
}
