/** PostHog ingestion hosts (reference/posthog-capture.md, "Hosts and routes"). */
export const POSTHOG_CLOUD_HOSTS = {
  us: 'https://us.i.posthog.com',
  eu: 'https://eu.i.posthog.com',
} as const;

export type PostHogHostResult = { ok: true; value: string } | { ok: false; message: string };

/** Turns `us`, `eu` or an http(s) URL into a base URL without a trailing slash. */
export function resolvePostHogHost(input: string): PostHogHostResult {
  const trimmed = input.trim();
  const lower = trimmed.toLowerCase();
  if (lower === 'us' || lower === 'eu') return { ok: true, value: POSTHOG_CLOUD_HOSTS[lower] };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, message: `expected "us", "eu" or an http(s) URL, got "${trimmed}"` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `expected an http(s) URL, got protocol "${url.protocol}"` };
  }
  if (url.search || url.hash) return { ok: false, message: 'the PostHog host must not contain a query or fragment' };
  return { ok: true, value: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}
