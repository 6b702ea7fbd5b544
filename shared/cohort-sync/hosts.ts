import { type PostHogHostResult, resolveHost } from '../posthog/host.ts';
import type { Credentials } from './schemas.ts';

/**
 * PostHog's private API (personal API key) lives on the app host, not the `.i.` ingestion host
 * (PostHog/posthog.com contents/docs/api/index.mdx: us.posthog.com / eu.posthog.com / your self-hosted domain).
 */
export const POSTHOG_APP_HOSTS = { us: 'https://us.posthog.com', eu: 'https://eu.posthog.com' } as const;

export type HostResult = PostHogHostResult;

/** `us`, `eu` or an http(s) URL → base URL without a trailing slash; an ingestion (`.i.posthog.com`) host is refused. */
export const resolvePostHogAppHost = (input: string): HostResult =>
  resolveHost(input, POSTHOG_APP_HOSTS, (url) =>
    /^(us|eu)\.i\.posthog\.com$/.test(url.hostname)
      ? `${url.hostname} is the ingestion host; the API needs the app host (${url.hostname.replace('.i.', '.')})`
      : undefined,
  );

/** `https://api-0{dc}.moengage.com` (dc 1–6) or `https://api-101.moengage.com` (moengage-documentation api/introduction.mdx). */
export function moengageBaseUrl(dataCenter: Credentials['moengageDataCenter']): string {
  return `https://api-${dataCenter.padStart(2, '0')}.moengage.com`;
}
