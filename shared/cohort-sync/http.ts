import type { HttpTransport } from '../lib/http-transport.ts';
import { backoffDelay, parseRetryAfter, type RetryPolicy } from '../lib/retry-policy.ts';
import { describeRequestFailure } from '../lib/request-failure.ts';
import type { RateLimiter } from './rate-limiter.ts';

/** What the cohort-sync HTTP clients need, injected: no globals, no wall clock. */
export interface HttpDeps {
  /** Sends one request (a node:http pool: functions/cohort-sync, cli/cohort-sync.ts). */
  send: HttpTransport;
  timeoutMs: number;
  retry: RetryPolicy;
  limiter: RateLimiter;
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  userAgent: string;
  /** Called before each retry (progress lines, logs). */
  onRetry?: (info: { url: string; attempt: number; status: number | undefined; delayMs: number; message: string }) => void;
}

export type HttpResult =
  | { ok: true; status: number; text: string; attempts: number }
  | { ok: false; status: number | undefined; message: string; attempts: number; retryable: boolean };

/** 408, 429, 5xx and network errors are worth retrying; other statuses are final. */
export const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

const MAX_MESSAGE_CHARS = 300;

/**
 * MoEngage answers 429 with `x-ratelimit-reset`, "Time at which the current window resets, in UTC epoch seconds",
 * not `Retry-After` (moengage/moengage-documentation api/rate-limits.mdx, "Monitor your usage"). Milliseconds to wait.
 */
export function parseRateLimitReset(raw: string | undefined, nowMs: number): number | undefined {
  if (raw === undefined || !/^\d+(\.\d+)?$/.test(raw.trim())) return undefined;
  return Math.max(0, Math.ceil(Number(raw) * 1000 - nowMs));
}
/** A server asking for a longer pause than this ends the attempt; the next scheduled run picks up from the saved state. */
export const MAX_WAIT_MS = 120_000;

/**
 * One request with retries (a loop, not recursion): exponential backoff with full jitter, never shorter than the
 * server's `Retry-After` (PostHog's throttles) or, on a 429 without it, its `x-ratelimit-reset` (MoEngage). Every attempt first takes a slot from the rate limiter. Never throws.
 */
export async function requestWithRetry(
  deps: HttpDeps,
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
): Promise<HttpResult> {
  for (let attempt = 1; ; attempt++) {
    await deps.limiter.acquire();
    let status: number | undefined;
    let message: string;
    let retryAfterMs: number | undefined;
    try {
      const response = await deps.send({
        method: init.method,
        url,
        headers: { 'user-agent': deps.userAgent, ...init.headers },
        body: init.body,
        timeoutMs: deps.timeoutMs,
      });
      const { text } = response;
      status = response.status;
      if (status >= 200 && status < 300) return { ok: true, status, text, attempts: attempt };
      message = text.slice(0, MAX_MESSAGE_CHARS) || `HTTP ${status}`;
      retryAfterMs =
        parseRetryAfter(response.header('retry-after'), deps.now()) ??
        (status === 429 ? parseRateLimitReset(response.header('x-ratelimit-reset'), deps.now()) : undefined);
      if (!isRetryableStatus(status)) return { ok: false, status, message, attempts: attempt, retryable: false };
    } catch (error) {
      message = describeRequestFailure(error, deps.timeoutMs).message;
    }
    if (attempt >= deps.retry.attempts) return { ok: false, status, message, attempts: attempt, retryable: true };
    const delayMs = backoffDelay(deps.retry, attempt, deps.random, retryAfterMs);
    if (delayMs > MAX_WAIT_MS) {
      return {
        ok: false,
        status,
        message: `${message} (Retry-After ${Math.ceil(delayMs / 1000)} s is too long; next run retries)`,
        attempts: attempt,
        retryable: true,
      };
    }
    deps.onRetry?.({ url, attempt, status, delayMs, message });
    await deps.sleep(delayMs);
  }
}
