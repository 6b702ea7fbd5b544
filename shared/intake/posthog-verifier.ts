import type { PostHogVerifier } from './dependencies.ts';
import { fetchTransport } from '../lib/http-transport.ts';
import { postBatch } from '../posthog/capture-client.ts';
import { checkProjectKey } from '../posthog/key-check.ts';

/**
 * The intake's client for `?verify=1`: key check on the flags endpoint, then capture, through Node's built-in fetch
 * (MoEngage's Test button is rare: no pool of our own, and no undici in the intake's bundle, docs/benchmarks.md §4).
 * Two PostHog calls of at most `timeoutMs` each must fit the intake's 6 s Lambda timeout and MoEngage's 5 s wait.
 */
export function createPostHogVerifier(options: { timeoutMs: number; userAgent: string }): PostHogVerifier {
  const client = { send: fetchTransport, timeoutMs: options.timeoutMs, userAgent: options.userAgent };
  return {
    post: (destination, apiKey, events) => postBatch(client, destination, apiKey, events),
    checkKey: (destination, apiKey) => checkProjectKey(client, destination, apiKey),
  };
}
