import { Agent } from 'undici';
import type { PostHogVerifier } from './dependencies.ts';
import { postBatch } from '../posthog/capture-client.ts';
import { checkProjectKey } from '../posthog/key-check.ts';

/**
 * The intake's client for `?verify=1`: one keep-alive pool, key check on the flags endpoint, then capture.
 * Two PostHog calls of at most `timeoutMs` each must fit the intake's 6 s Lambda timeout and MoEngage's 5 s wait.
 */
export function createPostHogVerifier(options: { timeoutMs: number; userAgent: string }): PostHogVerifier {
  const client = {
    dispatcher: new Agent({ keepAliveTimeout: 30_000, connections: 4, connect: { timeout: options.timeoutMs } }),
    timeoutMs: options.timeoutMs,
    userAgent: options.userAgent,
  };
  return {
    post: (destination, apiKey, events) => postBatch(client, destination, apiKey, events),
    checkKey: (destination, apiKey) => checkProjectKey(client, destination, apiKey),
  };
}
