import * as z from 'zod';
import { METRICS_NAMESPACE } from '../shared/platform/observability.ts';
import { resolvePostHogHost } from '../shared/posthog/host.ts';
import { QUEUE_SETTINGS } from '../shared/queue/settings.ts';
import { DEFAULT_OUTAGE_SETTINGS } from '../shared/delivery/outage.ts';
import { MAX_RETRY_VISIBILITY_SECONDS } from '../shared/delivery/visibility.ts';

/** CloudWatch Logs retention values (days) that CloudFormation accepts. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * Stack settings, read from CDK context (`-c key=value` or cdk.json). Defaults are documented in docs/deploy.md.
 * Throttling defaults sit above MoEngage's default connector rate (60K requests/min = 1,000/s) with headroom for
 * bursts, and below the account-level API Gateway quota (10,000/s, burst 5,000).
 */
export const DEFAULTS = {
  stage: 'prod',
  throttlingRateLimit: 2_000,
  throttlingBurstLimit: 4_000,
  maxReceiveCount: QUEUE_SETTINGS.maxReceiveCount,
  maxConcurrency: 5,
  logRetentionDays: 30,
  cohortSync: false,
  retryBaseSeconds: DEFAULT_OUTAGE_SETTINGS.retryBaseSeconds,
  retryMaxSeconds: DEFAULT_OUTAGE_SETTINGS.retryMaxSeconds,
  outageProbeSeconds: DEFAULT_OUTAGE_SETTINGS.probeSeconds,
  tracing: false,
  logLevel: 'INFO',
  apiAccessLog: false,
} as const;

const booleanContext = z.preprocess(
  (value) => (value === 'true' ? true : value === 'false' ? false : value),
  z.boolean({ error: 'must be true or false' }),
);

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const ContextSchema = z.object({
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be 1–20 lower-case letters, digits or "-", starting with a letter')
    .default(DEFAULTS.stage),
  posthogHost: z
    .string({ error: 'is required: "us", "eu" or the URL of a self-hosted PostHog' })
    .refine((host) => resolvePostHogHost(host).ok, 'must be "us", "eu" or an http(s) URL with no query or fragment'),
  alarmEmail: z.email('must be an e-mail address').optional(),
  throttlingRateLimit: integer(1, 10_000).default(DEFAULTS.throttlingRateLimit),
  throttlingBurstLimit: integer(1, 5_000).default(DEFAULTS.throttlingBurstLimit),
  maxReceiveCount: integer(1, 1_000).default(DEFAULTS.maxReceiveCount),
  /** AWS allows 2–1,000 for an SQS event source's maximum concurrency. */
  maxConcurrency: integer(2, 1_000).default(DEFAULTS.maxConcurrency),
  logRetentionDays: z.coerce
    .number()
    .refine((days) => RETENTION_DAYS.includes(days), `must be one of ${RETENTION_DAYS.join(', ')}`)
    .default(DEFAULTS.logRetentionDays),
  /** Adds the PostHog cohorts → MoEngage segments sync (docs/cohort-sync.md). */
  cohortSync: booleanContext.default(DEFAULTS.cohortSync),
  /** RETRY_BASE_SECONDS, RETRY_MAX_SECONDS, OUTAGE_PROBE_SECONDS (docs/operations.md, "Outages"). */
  retryBaseSeconds: integer(1, 3_600).default(DEFAULTS.retryBaseSeconds),
  retryMaxSeconds: integer(1, MAX_RETRY_VISIBILITY_SECONDS).default(DEFAULTS.retryMaxSeconds),
  /** EventBridge schedules run in whole minutes, at most once a minute. */
  outageProbeSeconds: integer(60, 3_600)
    .refine((seconds) => seconds % 60 === 0, 'must be a whole number of minutes (60, 120, …): the prober runs on an EventBridge schedule')
    .default(DEFAULTS.outageProbeSeconds),
  /** X-Ray active tracing of every function (docs/deploy.md, "Logs and tracing"). */
  tracing: booleanContext.default(DEFAULTS.tracing),
  /** The functions' application log level; DEBUG also logs each accepted request. */
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR'], { error: 'must be DEBUG, INFO, WARN or ERROR' }).default(DEFAULTS.logLevel),
  /** The HTTP API's JSON access log, one line per request. */
  apiAccessLog: booleanContext.default(DEFAULTS.apiAccessLog),
});

export type StackConfig = z.infer<typeof ContextSchema>;

/** The context keys this app reads; anything else in `stages.<name>` is a typo and is refused. */
export const CONTEXT_KEYS = Object.keys(ContextSchema.shape) as (keyof StackConfig)[];

export class StackConfigError extends Error {
  override name = 'StackConfigError';
}

/**
 * Resolves the stack settings. Precedence: a top-level context key (`-c key=value`, or a top-level key in cdk.json)
 * → the same key under `stages.<stage>` in cdk.json → the default. So cdk.json can hold each stage's settings
 * while `-c` still overrides any of them for one deploy.
 */
export function resolveStackConfig(context: (key: string) => unknown): StackConfig {
  const stage = context('stage') ?? DEFAULTS.stage;
  const perStage = stageBlock(context('stages'), stage);
  const unknown = Object.keys(perStage).filter((key) => key === 'stage' || !(CONTEXT_KEYS as string[]).includes(key));
  if (unknown.length > 0)
    throw new StackConfigError(`invalid CDK context: stages.${String(stage)} has unknown keys: ${unknown.join(', ')}`);

  const input: Record<string, unknown> = { stage };
  for (const key of CONTEXT_KEYS) {
    if (key === 'stage') continue;
    const value = context(key) ?? perStage[key];
    // `-c alarmEmail=` clears a value set in cdk.json.
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = ContextSchema.refine((c) => c.retryMaxSeconds >= c.retryBaseSeconds, {
    path: ['retryMaxSeconds'],
    message: 'must be at least retryBaseSeconds',
  }).safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `-c ${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new StackConfigError(`invalid CDK context: ${details}`);
  }
  return parsed.data;
}

/**
 * The Powertools metrics namespace of a stage: METRICS_NAMESPACE plus the stage, so two stages in one account never
 * mix their metrics or trip each other's alarms (Powertools has no environment variable for an extra dimension).
 */
export const metricsNamespace = (stage: string): string => `${METRICS_NAMESPACE}/${stage}`;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `stages.<stage>` block of cdk.json, or {} when there is none. */
function stageBlock(stages: unknown, stage: unknown): Record<string, unknown> {
  if (stages === undefined) return {};
  if (!isRecord(stages)) throw new StackConfigError('invalid CDK context: stages must be an object of stage name → settings');
  const block = typeof stage === 'string' ? stages[stage] : undefined;
  if (block === undefined) return {};
  if (!isRecord(block)) throw new StackConfigError(`invalid CDK context: stages.${String(stage)} must be an object`);
  return block;
}

/** The CloudFormation stack name; one per stage, so stages deploy side by side in one account and region. */
export const stackName = (stage: string): string => `MoEngagePostHogForwarder-${stage}`;
