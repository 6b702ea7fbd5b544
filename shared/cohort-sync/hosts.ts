import type { Credentials } from './config.ts';

/**
 * PostHog's private API (personal API key) lives on the app host, not the `.i.` ingestion host
 * (PostHog/posthog.com contents/docs/api/index.mdx: us.posthog.com / eu.posthog.com / your self-hosted domain).
 */
export const POSTHOG_APP_HOSTS = { us: 'https://us.posthog.com', eu: 'https://eu.posthog.com' } as const;

export type HostResult = { ok: true; value: string } | { ok: false; message: string };

/** `us`, `eu` or an http(s) URL → base URL without a trailing slash; an ingestion (`.i.posthog.com`) host is refused. */
export function resolvePostHogAppHost(input: string): HostResult {
  const trimmed = input.trim();
  const lower = trimmed.toLowerCase();
  if (lower === 'us' || lower === 'eu') return { ok: true, value: POSTHOG_APP_HOSTS[lower] };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, message: `expected "us", "eu" or an http(s) URL, got "${trimmed}"` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, message: `expected an http(s) URL, got "${url.protocol}"` };
  if (/^(us|eu)\.i\.posthog\.com$/.test(url.hostname)) {
    return {
      ok: false,
      message: `${url.hostname} is the ingestion host; the API needs the app host (${url.hostname.replace('.i.', '.')})`,
    };
  }
  if (url.search || url.hash) return { ok: false, message: 'the PostHog host must not contain a query or fragment' };
  return { ok: true, value: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}

/** `https://api-0{dc}.moengage.com` (dc 1–6) or `https://api-101.moengage.com` (moengage-documentation api/introduction.mdx). */
export function moengageBaseUrl(dataCenter: Credentials['moengageDataCenter']): string {
  return `https://api-${dataCenter.padStart(2, '0')}.moengage.com`;
}
