import * as z from 'zod/mini';
import '../lib/zod-mini.ts';
import { DEFAULT_OUTAGE_SETTINGS } from '../delivery/outage.ts';
import { MAX_RETRY_VISIBILITY_SECONDS } from '../delivery/visibility.ts';
import { QUEUE_SETTINGS } from '../queue/settings.ts';

/** A whole number in [min, max], read from its environment text. */
const int = (min: number, max: number) => z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max));

/** `1`/`true` on, `0`/`false`/empty off. */
const flag = z.pipe(
  z.enum(['', '0', '1', 'false', 'true'], { error: 'must be true or false (or 1 or 0)' }),
  z.transform((v) => v === '1' || v === 'true'),
);

/**
 * The tunable settings of the functions, each read from the environment variable of its name with its default.
 * loadConfig (config.ts) reads them; the stack (infra/settings.ts) takes each from CDK context through the same
 * schema and writes the parsed value back with envText, so a value the stack accepts is one the function reads
 * alike (docs/deploy.md, "Settings").
 */
export const ENV_SETTINGS = {
  MAX_BODY_BYTES: z._default(int(1024, 10 * 1024 * 1024), 1024 * 1024),
  POSTHOG_TIMEOUT_MS: z._default(int(100, 60_000), 10_000),
  STRICT_MODE: z._default(flag, false),
  PERSONLESS_EVENTS: z.optional(z.string()),
  SECRETS_MAX_AGE_SECONDS: z._default(int(0, 3_600), 60),
  STREAMS_EVENT_NAME: z._default(z.enum(['event_name', 'event_code'], { error: 'must be "event_name" or "event_code"' }), 'event_name'),
  STREAMS_INCLUDE_CHANNEL_ADDRESSES: z._default(flag, false),
  STREAMS_USER_ATTRIBUTES: z._default(z.enum(['set_once', 'set', 'none'], { error: 'must be "set_once", "set" or "none"' }), 'set_once'),
  STREAMS_MOENGAGE_USER_ID_PERSONS: z._default(flag, false),
  RETRY_BASE_SECONDS: z._default(int(1, 3_600), DEFAULT_OUTAGE_SETTINGS.retryBaseSeconds),
  RETRY_MAX_SECONDS: z._default(int(1, MAX_RETRY_VISIBILITY_SECONDS), DEFAULT_OUTAGE_SETTINGS.retryMaxSeconds),
  OUTAGE_PROBE_SECONDS: z._default(int(1, 3_600), DEFAULT_OUTAGE_SETTINGS.probeSeconds),
  /** At least 3: a record that failed only systemically is re-queued one receive before SQS would dead-letter it. */
  MAX_RECEIVE_COUNT: z._default(int(3, 1_000), QUEUE_SETTINGS.maxReceiveCount),
};

export type EnvSettingName = keyof typeof ENV_SETTINGS;

/** The environment text of a parsed setting value; reading it back gives the same value. */
export const envText = (value: string | number | boolean): string => String(value);

/** The comma-separated list of a list setting such as PERSONLESS_EVENTS, blanks dropped. */
export const listSetting = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
