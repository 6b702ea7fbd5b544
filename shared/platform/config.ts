import * as z from 'zod';
import { OUTREACH_EVENTS } from '../mapping/outreach-events.ts';
import { resolvePostHogHost } from '../posthog/host.ts';
import type { StreamsOptions } from '../streams/map-streams.ts';
import { DEFAULT_OUTAGE_SETTINGS, type OutageSettings } from '../delivery/outage.ts';
import { MAX_RETRY_VISIBILITY_SECONDS } from '../delivery/visibility.ts';
import { QUEUE_SETTINGS } from '../queue/settings.ts';

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

const flag = z
  .enum(['', '0', '1', 'false', 'true'])
  .default('')
  .transform((v) => v === '1' || v === 'true');

const EnvSchema = z
  .object({
    POSTHOG_HOST: z.string({ error: 'is required: "us", "eu" or the URL of a self-hosted PostHog' }).transform((value, ctx) => {
      const host = resolvePostHogHost(value);
      if (host.ok) return host.value;
      ctx.addIssue({ code: 'custom', message: host.message });
      return z.NEVER;
    }),
    POSTHOG_API_KEY: z.string().startsWith('phc_', 'must be a PostHog project API key (phc_…), not a personal key').optional(),
    POSTHOG_API_KEY_SECRET: z.string().min(1).optional(),
    WEBHOOK_TOKEN: z.string().optional(),
    WEBHOOK_TOKENS_SECRET: z.string().min(1).optional(),
    QUEUE_URL: z.url().optional(),
    DLQ_URL: z.url().optional(),
    MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(10 * 1024 * 1024)
      .default(1024 * 1024),
    POSTHOG_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    STRICT_MODE: flag,
    PERSONLESS_EVENTS: z.string().optional(),
    SECRETS_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    STREAMS_EVENT_NAME: z.enum(['event_name', 'event_code'], { error: 'must be "event_name" or "event_code"' }).default('event_name'),
    STREAMS_INCLUDE_CHANNEL_ADDRESSES: flag,
    STREAMS_USER_ATTRIBUTES: z.enum(['set_once', 'set', 'none'], { error: 'must be "set_once", "set" or "none"' }).default('set_once'),
    STREAMS_MOENGAGE_USER_ID_PERSONS: flag,
    RETRY_BASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(DEFAULT_OUTAGE_SETTINGS.retryBaseSeconds),
    RETRY_MAX_SECONDS: z.coerce.number().int().min(1).max(MAX_RETRY_VISIBILITY_SECONDS).default(DEFAULT_OUTAGE_SETTINGS.retryMaxSeconds),
    OUTAGE_PROBE_SECONDS: z.coerce.number().int().min(1).max(3600).default(DEFAULT_OUTAGE_SETTINGS.probeSeconds),
    MAX_RECEIVE_COUNT: z.coerce.number().int().min(3).max(1000).default(QUEUE_SETTINGS.maxReceiveCount),
  })
  .refine((env) => env.RETRY_MAX_SECONDS >= env.RETRY_BASE_SECONDS, {
    path: ['RETRY_MAX_SECONDS'],
    message: 'must be at least RETRY_BASE_SECONDS',
  })
  .refine((env) => env.POSTHOG_API_KEY !== undefined || env.POSTHOG_API_KEY_SECRET !== undefined, {
    path: ['POSTHOG_API_KEY'],
    message: 'is required (or POSTHOG_API_KEY_SECRET naming a Secrets Manager secret that holds it)',
  });

export interface Config {
  posthogHost: string;
  posthogApiKey: { value: string } | { secret: string };
  webhookTokens: { values: string[] } | { secret: string } | undefined;
  queueUrl: string | undefined;
  dlqUrl: string | undefined;
  maxBodyBytes: number;
  posthogTimeoutMs: number;
  strict: boolean;
  personlessEvents: ReadonlySet<string>;
  secretsMaxAgeSeconds: number;
  /** MoEngage Streams mapping options (docs/streams.md). */
  streams: StreamsOptions;
  /** Retry and circuit-breaker timings (docs/operations.md, "Outages"). */
  outage: OutageSettings;
  /** The main queue's maxReceiveCount (the stack sets it; a systemically failed record is re-queued before it). */
  maxReceiveCount: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates the environment once and fails fast with a message naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${details}`);
  }
  const e = parsed.data;
  const tokens = list(e.WEBHOOK_TOKEN);
  return {
    posthogHost: e.POSTHOG_HOST,
    posthogApiKey: e.POSTHOG_API_KEY !== undefined ? { value: e.POSTHOG_API_KEY } : { secret: e.POSTHOG_API_KEY_SECRET ?? '' },
    webhookTokens: tokens.length > 0 ? { values: tokens } : e.WEBHOOK_TOKENS_SECRET ? { secret: e.WEBHOOK_TOKENS_SECRET } : undefined,
    queueUrl: e.QUEUE_URL,
    dlqUrl: e.DLQ_URL,
    maxBodyBytes: e.MAX_BODY_BYTES,
    posthogTimeoutMs: e.POSTHOG_TIMEOUT_MS,
    strict: e.STRICT_MODE,
    personlessEvents: new Set(e.PERSONLESS_EVENTS === undefined ? OUTREACH_EVENTS : list(e.PERSONLESS_EVENTS)),
    secretsMaxAgeSeconds: e.SECRETS_MAX_AGE_SECONDS,
    streams: {
      eventName: e.STREAMS_EVENT_NAME,
      includeChannelAddresses: e.STREAMS_INCLUDE_CHANNEL_ADDRESSES,
      userAttributes: e.STREAMS_USER_ATTRIBUTES,
      internalIdPersons: e.STREAMS_MOENGAGE_USER_ID_PERSONS,
    },
    outage: { retryBaseSeconds: e.RETRY_BASE_SECONDS, retryMaxSeconds: e.RETRY_MAX_SECONDS, probeSeconds: e.OUTAGE_PROBE_SECONDS },
    maxReceiveCount: e.MAX_RECEIVE_COUNT,
  };
}

/** The queue URL, required by both functions. */
export function requireQueueUrl(config: Config): string {
  if (!config.queueUrl) throw new ConfigError('invalid configuration: QUEUE_URL is required');
  return config.queueUrl;
}
