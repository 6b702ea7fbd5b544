/** PostHog ingestion hosts (docs/architecture.md, "PostHog: Hosts and routes"). */
export const POSTHOG_CLOUD_HOSTS = {
  us: 'https://us.i.posthog.com',
  eu: 'https://eu.i.posthog.com',
} as const;

export type PostHogHostResult = { ok: true; value: string } | { ok: false; message: string };

/** Turns `us`, `eu` or an http(s) URL into an ingestion base URL without a trailing slash. */
export const resolvePostHogHost = (input: string): PostHogHostResult => resolveHost(input, POSTHOG_CLOUD_HOSTS);

/**
 * `us`/`eu` → the given cloud host; otherwise an http(s) URL without query or fragment → its origin and path without
 * a trailing slash. `check` may refuse a parsed URL with a message.
 */
export function resolveHost(
  input: string,
  cloud: { us: string; eu: string },
  check: (url: URL) => string | undefined = () => undefined,
): PostHogHostResult {
  const trimmed = input.trim();
  const lower = trimmed.toLowerCase();
  if (lower === 'us' || lower === 'eu') return { ok: true, value: cloud[lower] };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, message: `expected "us", "eu" or an http(s) URL, got "${trimmed}"` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `expected an http(s) URL, got protocol "${url.protocol}"` };
  }
  const refused = check(url);
  if (refused !== undefined) return { ok: false, message: refused };
  if (url.search || url.hash) return { ok: false, message: 'the PostHog host must not contain a query or fragment' };
  return { ok: true, value: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}
