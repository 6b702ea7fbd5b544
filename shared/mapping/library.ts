import pkg from '../../package.json' with { type: 'json' };
import { defineValue } from './coerce.ts';

/** This forwarder's name and version, sent as `$lib` / `$lib_version` and in the User-Agent of its PostHog calls. */
export const LIB_NAME = 'moengage-posthog-forwarder';
export const LIB_VERSION: string = pkg.version;
export const USER_AGENT = `${LIB_NAME}/${LIB_VERSION}`;

/**
 * The enrichment every mapped event gets, connector and Streams alike: `$lib`, `$lib_version`, `$source`, and
 * `$geoip_disable` unless the event brings its own `$ip` (the Lambda's address is not the user's; PostHog's GeoIP
 * transformation skips events with `$geoip_disable`, see docs/mapping.md).
 */
export function stampLibrary(properties: Record<string, unknown>, libVersion: string): void {
  defineValue(properties, '$lib', LIB_NAME);
  defineValue(properties, '$lib_version', libVersion);
  defineValue(properties, '$source', 'moengage');
  if (!Object.hasOwn(properties, '$ip')) defineValue(properties, '$geoip_disable', true);
}
