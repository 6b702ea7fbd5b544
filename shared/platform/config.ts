import * as z from 'zod/mini';
import { addIssue } from '../lib/zod-mini.ts';
import { OUTREACH_EVENTS } from '../mapping/outreach-events.ts';
import { resolvePostHogHost } from '../posthog/host.ts';
import type { StreamsOptions } from '../streams/map-streams.ts';
import type { OutageSettings } from '../delivery/outage.ts';
import { ENV_SETTINGS, listSetting as list } from './env-settings.ts';

const EnvSchema = z
  .object({
    POSTHOG_HOST: z.pipe(
      z.string({ error: 'is required: "us", "eu" or the URL of a self-hosted PostHog' }),
      z.transform((value: string, ctx) => {
        const host = resolvePostHogHost(value);
        if (host.ok) return host.value;
        addIssue(ctx, host.message);
        return z.NEVER;
      }),
    ),
    POSTHOG_API_KEY: z.optional(z.string().check(z.startsWith('phc_', 'must be a PostHog project API key (phc_…), not a personal key'))),
    POSTHOG_API_KEY_SECRET: z.optional(z.string().check(z.minLength(1))),
    WEBHOOK_TOKEN: z.optional(z.string()),
    WEBHOOK_TOKENS_SECRET: z.optional(z.string().check(z.minLength(1))),
    QUEUE_URL: z.optional(z.url()),
    DLQ_URL: z.optional(z.url()),
    ...ENV_SETTINGS,
  })
  .check(
    z.refine((env) => env.RETRY_MAX_SECONDS >= env.RETRY_BASE_SECONDS, {
      path: ['RETRY_MAX_SECONDS'],
      message: 'must be at least RETRY_BASE_SECONDS',
    }),
    z.refine((env) => env.POSTHOG_API_KEY !== undefined || env.POSTHOG_API_KEY_SECRET !== undefined, {
      path: ['POSTHOG_API_KEY'],
      message: 'is required (or POSTHOG_API_KEY_SECRET naming a Secrets Manager secret that holds it)',
    }),
  );

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
