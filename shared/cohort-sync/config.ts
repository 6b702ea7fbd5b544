import * as z from 'zod';
import { resolvePostHogAppHost } from './hosts.ts';
import {
  type CohortSync,
  describeIssues,
  invalid,
  type MoEngageCredentials,
  MoEngageCredentialsSchema,
  parseSyncs,
  PostHogKeySchema,
} from './schemas.ts';

export type { CohortSync, Credentials } from './schemas.ts';
export { CohortSyncConfigError, parseSecret, parseSyncs } from './schemas.ts';

const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const EnvSchema = z.object({
  POSTHOG_APP_HOST: z.string({ error: 'is required: "us", "eu" or the URL of a self-hosted PostHog' }).transform((value, ctx) => {
    const host = resolvePostHogAppHost(value);
    if (host.ok) return host.value;
    ctx.addIssue({ code: 'custom', message: host.message });
    return z.NEVER;
  }),
  COHORT_SYNCS: z.string().optional(),
  COHORT_SYNC_SECRET: z.string().min(1).optional(),
  POSTHOG_PERSONAL_API_KEY: z.string().optional(),
  MOENGAGE_APP_ID: z.string().optional(),
  MOENGAGE_API_KEY: z.string().optional(),
  MOENGAGE_DATA_CENTER: z.string().optional(),
  /** Overrides the data-centre URL (tests and local fakes). */
  MOENGAGE_BASE_URL: z.url().optional(),
  MOENGAGE_PARTNER: z.string().trim().min(1).default('posthog'),
  // A backtick would end the quoted identifier of the HogQL query (posthog-query-reader.ts).
  COHORT_SYNC_ID_PROPERTY: z
    .string()
    .trim()
    .min(1)
    .regex(/^[^`\\]+$/, 'must not contain ` or \\')
    .default('$moengage_user_id'),
  COHORT_SYNC_ID_FALLBACK: z.enum(['distinct_id', 'none']).default('distinct_id'),
  COHORT_SYNC_STATE_BUCKET: z.string().min(1).optional(),
  COHORT_SYNC_STATE_PREFIX: z.string().default('cohort-sync/'),
  COHORT_SYNC_STATE_DIR: z.string().min(1).optional(),
  POSTHOG_PAGE_SIZE: int(1000, 1, 10_000),
  POSTHOG_REQUESTS_PER_MINUTE: int(240, 1, 240),
  POSTHOG_REQUESTS_PER_HOUR: int(1000, 1, 1200),
  POSTHOG_QUERY_REQUESTS_PER_HOUR: int(100, 1, 2400),
  POSTHOG_QUERY_PAGE_SIZE: int(50_000, 1, 50_000),
  COHORT_SYNC_QUERY_THRESHOLD: int(10_000, 0, 1_000_000_000),
  COHORT_SYNC_FULL_READ_HOURS: int(24, 1, 24 * 30),
  MOENGAGE_REQUESTS_PER_MINUTE: int(200, 1, 300),
  COHORT_SYNC_TIMEOUT_MS: int(30_000, 1, 120_000),
  SECRETS_MAX_AGE_SECONDS: int(300, 0, 3600),
});

export interface CohortSyncConfig {
  dryRun: boolean;
  posthogAppHost: string;
  /** Syncs from COHORT_SYNCS; when undefined they come from the secret's `syncs`. */
  syncs: CohortSync[] | undefined;
  /** Given directly (MoEngage's part absent only in a dry run), or the name of the JSON secret. */
  credentials: { posthogPersonalApiKey: string; moengage: MoEngageCredentials | undefined } | { secret: string };
  moengageBaseUrl: string | undefined;
  partner: string;
  identity: IdentityOptions;
  /** Undefined only in a dry run without a state location: then every member counts as new. */
  state: { bucket: string; prefix: string } | { dir: string } | undefined;
  pageSize: number;
  limits: RequestLimits;
  /** Cohorts with at least this many persons are read through the HogQL query API. */
  queryThreshold: number;
  queryPageSize: number;
  /** An unchanged cohort is read again after this long anyway (person properties change without a recalculation). */
  fullReadHours: number;
  timeoutMs: number;
  secretsMaxAgeSeconds: number;
}

/** Client-side budgets (docs/cohort-sync.md, "Limits"). */
export interface RequestLimits {
  posthogPerMinute: number;
  posthogPerHour: number;
  queryPerHour: number;
  moengagePerMinute: number;
}

export interface IdentityOptions {
  /** Person property that holds the MoEngage user id (default `$moengage_user_id`). */
  property: string;
  /** Whether a person without the property falls back to one of their identified distinct ids. */
  fallback: 'distinct_id' | 'none';
}

const ENV_NAMES: Record<string, string> = {
  posthogPersonalApiKey: 'POSTHOG_PERSONAL_API_KEY',
  moengageAppId: 'MOENGAGE_APP_ID',
  moengageApiKey: 'MOENGAGE_API_KEY',
  moengageDataCenter: 'MOENGAGE_DATA_CENTER',
};
const envIssues = (error: z.ZodError) => error.issues.map((i) => `${ENV_NAMES[String(i.path[0])] ?? String(i.path[0])} ${i.message}`);
type Env = z.infer<typeof EnvSchema>;

/** Credentials given directly or through the secret; every missing or bad one is reported, not only the first. */
function readCredentials(e: Env, dryRun: boolean, problems: string[]): CohortSyncConfig['credentials'] | undefined {
  const moengageGiven = e.MOENGAGE_APP_ID !== undefined || e.MOENGAGE_API_KEY !== undefined || e.MOENGAGE_DATA_CENTER !== undefined;
  if (e.POSTHOG_PERSONAL_API_KEY === undefined && !moengageGiven) {
    if (e.COHORT_SYNC_SECRET !== undefined) return { secret: e.COHORT_SYNC_SECRET };
    const moengage = dryRun ? '' : ', MOENGAGE_APP_ID, MOENGAGE_API_KEY and MOENGAGE_DATA_CENTER';
    problems.push(`COHORT_SYNC_SECRET (a Secrets Manager secret) or POSTHOG_PERSONAL_API_KEY${moengage} are required`);
    return undefined;
  }
  const posthog = PostHogKeySchema.safeParse(e.POSTHOG_PERSONAL_API_KEY ?? '');
  if (!posthog.success)
    problems.push(...envIssues(new z.ZodError(posthog.error.issues.map((i) => ({ ...i, path: ['posthogPersonalApiKey'] })))));
  let moengage: MoEngageCredentials | undefined;
  if (!dryRun || moengageGiven) {
    const raw = {
      moengageAppId: e.MOENGAGE_APP_ID ?? '',
      moengageApiKey: e.MOENGAGE_API_KEY ?? '',
      moengageDataCenter: e.MOENGAGE_DATA_CENTER ?? '',
    };
    const parsed = MoEngageCredentialsSchema.safeParse(raw);
    if (parsed.success) moengage = parsed.data;
    else problems.push(...envIssues(parsed.error));
  }
  return posthog.success ? { posthogPersonalApiKey: posthog.data, moengage } : undefined;
}

function readState(e: Env, dryRun: boolean, problems: string[]): CohortSyncConfig['state'] {
  if (e.COHORT_SYNC_STATE_BUCKET !== undefined) return { bucket: e.COHORT_SYNC_STATE_BUCKET, prefix: e.COHORT_SYNC_STATE_PREFIX };
  if (e.COHORT_SYNC_STATE_DIR !== undefined) return { dir: e.COHORT_SYNC_STATE_DIR };
  if (!dryRun) problems.push('COHORT_SYNC_STATE_BUCKET (S3) or COHORT_SYNC_STATE_DIR (local) is required');
  return undefined;
}

/**
 * Validates the environment once and fails fast with ONE message naming every bad or missing variable. A dry run
 * (`dryRun`) sends nothing to MoEngage and saves nothing, so it needs neither MoEngage credentials nor a state location.
 */
export function loadCohortSyncConfig(env: NodeJS.ProcessEnv = process.env, options: { dryRun?: boolean } = {}): CohortSyncConfig {
  const dryRun = options.dryRun === true;
  const parsed = EnvSchema.safeParse(env);
  const problems = parsed.success ? [] : describeIssues(parsed.error, '');
  // Go on without the bad variables, so that the credentials, syncs and state are reported in the same message.
  const bad = new Set(parsed.success ? [] : parsed.error.issues.map((i) => String(i.path[0])));
  const rest = Object.fromEntries(Object.entries(env).filter(([name]) => !bad.has(name)));
  const e = parsed.success ? parsed.data : EnvSchema.parse({ ...rest, POSTHOG_APP_HOST: rest.POSTHOG_APP_HOST ?? 'us' });
  let syncs: CohortSync[] | undefined;
  if (e.COHORT_SYNCS !== undefined && e.COHORT_SYNCS.trim() !== '') {
    try {
      syncs = parseSyncs(e.COHORT_SYNCS, 'COHORT_SYNCS');
    } catch (error) {
      problems.push((error as Error).message.replace(/^invalid configuration: /, ''));
    }
  } else if (env.COHORT_SYNC_SECRET === undefined) {
    problems.push('COHORT_SYNCS is required (a JSON list of syncs)');
  }
  const credentials = readCredentials(e, dryRun, problems);
  const state = readState(e, dryRun, problems);
  if (problems.length > 0 || credentials === undefined) throw invalid(problems);
  return {
    dryRun,
    posthogAppHost: e.POSTHOG_APP_HOST,
    syncs,
    credentials,
    moengageBaseUrl: e.MOENGAGE_BASE_URL?.replace(/\/+$/, ''),
    partner: e.MOENGAGE_PARTNER,
    identity: { property: e.COHORT_SYNC_ID_PROPERTY, fallback: e.COHORT_SYNC_ID_FALLBACK },
    state,
    pageSize: e.POSTHOG_PAGE_SIZE,
    limits: {
      posthogPerMinute: e.POSTHOG_REQUESTS_PER_MINUTE,
      posthogPerHour: e.POSTHOG_REQUESTS_PER_HOUR,
      queryPerHour: e.POSTHOG_QUERY_REQUESTS_PER_HOUR,
      moengagePerMinute: e.MOENGAGE_REQUESTS_PER_MINUTE,
    },
    queryThreshold: e.COHORT_SYNC_QUERY_THRESHOLD,
    queryPageSize: e.POSTHOG_QUERY_PAGE_SIZE,
    fullReadHours: e.COHORT_SYNC_FULL_READ_HOURS,
    timeoutMs: e.COHORT_SYNC_TIMEOUT_MS,
    secretsMaxAgeSeconds: e.SECRETS_MAX_AGE_SECONDS,
  };
}
