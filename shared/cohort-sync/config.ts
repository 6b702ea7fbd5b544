import * as z from 'zod';
import { resolvePostHogAppHost } from './hosts.ts';

/**
 * MoEngage rejects cohort names that start with a period or contain | * ? \ : < > = $ "
 * (moengage/moengage-documentation api/cohort-audience/cohort-audience.yaml, CohortParameters.cohort_name).
 */
const RESTRICTED_NAME_CHARS = /[|*?\\:<>=$"]/;

export const SyncSchema = z.object({
  posthogProjectId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be a numeric project id')]).transform(String),
  cohortId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be a numeric cohort id')]).transform(String),
  moengageCohortName: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200)
    .refine((name) => !name.startsWith('.'), 'must not start with a period (MoEngage restriction)')
    .refine((name) => !RESTRICTED_NAME_CHARS.test(name), 'must not contain | * ? \\ : < > = $ or " (MoEngage restriction)'),
  mode: z.enum(['once', 'dynamic']),
});
export type CohortSync = z.infer<typeof SyncSchema>;

export const SyncListSchema = z
  .array(SyncSchema)
  .min(1, 'must list at least one sync')
  .superRefine((syncs, ctx) => {
    const names = new Map<string, number>();
    const cohorts = new Map<string, number>();
    syncs.forEach((sync, index) => {
      const name = sync.moengageCohortName.toLowerCase();
      const cohort = `${sync.posthogProjectId}/${sync.cohortId}`;
      const sameName = names.get(name);
      const sameCohort = cohorts.get(cohort);
      if (sameName !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'moengageCohortName'],
          message: `repeats sync ${sameName}'s name: one MoEngage segment per sync`,
        });
      }
      if (sameCohort !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'cohortId'],
          message: `repeats sync ${sameCohort}'s PostHog cohort: one sync per cohort`,
        });
      }
      names.set(name, index);
      cohorts.set(cohort, index);
    });
  });

/** The data centres of MoEngage's REST API (moengage-documentation api/introduction.mdx, "Data Centers"). */
export const MOENGAGE_DATA_CENTERS = ['1', '2', '3', '4', '5', '6', '101'] as const;

export const CredentialsSchema = z.object({
  posthogPersonalApiKey: z.string().trim().min(1, 'is required').startsWith('phx_', 'must be a PostHog personal API key (phx_…)'),
  moengageAppId: z.string().trim().min(1, 'is required (MoEngage Workspace ID, formerly App ID)'),
  moengageApiKey: z.string().trim().min(1, 'is required (MoEngage Data API key)'),
  moengageDataCenter: z
    .union([z.string(), z.number()])
    .transform((v) =>
      String(v)
        .trim()
        .replace(/^0+/, '')
        .toLowerCase()
        .replace(/^dc-?0*/, ''),
    )
    .pipe(z.enum(MOENGAGE_DATA_CENTERS, { error: 'must be a MoEngage data centre: 1–6 or 101' })),
});
export type Credentials = z.infer<typeof CredentialsSchema>;

/** The JSON secret: the credentials, optionally with the list of syncs. */
export const SecretSchema = CredentialsSchema.extend({ syncs: SyncListSchema.optional() });

const positiveInt = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

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
  COHORT_SYNC_ID_PROPERTY: z.string().trim().min(1).default('$moengage_user_id'),
  COHORT_SYNC_ID_FALLBACK: z.enum(['distinct_id', 'none']).default('distinct_id'),
  COHORT_SYNC_STATE_BUCKET: z.string().min(1).optional(),
  COHORT_SYNC_STATE_PREFIX: z.string().default('cohort-sync/'),
  COHORT_SYNC_STATE_DIR: z.string().min(1).optional(),
  POSTHOG_PAGE_SIZE: positiveInt(1000, 10_000),
  POSTHOG_REQUESTS_PER_MINUTE: positiveInt(240, 240),
  MOENGAGE_REQUESTS_PER_MINUTE: positiveInt(300, 300),
  COHORT_SYNC_TIMEOUT_MS: positiveInt(30_000, 120_000),
  SECRETS_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
});

export interface CohortSyncConfig {
  posthogAppHost: string;
  /** Syncs from COHORT_SYNCS; when undefined they come from the secret's `syncs`. */
  syncs: CohortSync[] | undefined;
  credentials: { values: Credentials } | { secret: string };
  moengageBaseUrl: string | undefined;
  partner: string;
  identity: IdentityOptions;
  state: { bucket: string; prefix: string } | { dir: string };
  pageSize: number;
  posthogRequestsPerMinute: number;
  moengageRequestsPerMinute: number;
  timeoutMs: number;
  secretsMaxAgeSeconds: number;
}

export interface IdentityOptions {
  /** Person property that holds the MoEngage user id (default `$moengage_user_id`). */
  property: string;
  /** Whether a person without the property falls back to one of their identified distinct ids. */
  fallback: 'distinct_id' | 'none';
}

export class CohortSyncConfigError extends Error {
  override name = 'CohortSyncConfigError';
}

const describe = (error: z.ZodError, prefix: string): string =>
  error.issues.map((i) => `${[prefix, ...i.path.map(String)].filter((p) => p !== '').join('.')} ${i.message}`).join('; ');

/** Parses a JSON list of syncs (COHORT_SYNCS or the secret's `syncs`), failing with messages naming each field. */
export function parseSyncs(text: string, source: string): CohortSync[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CohortSyncConfigError(`invalid configuration: ${source} is not valid JSON (${(error as Error).message})`);
  }
  const parsed = SyncListSchema.safeParse(raw);
  if (!parsed.success) throw new CohortSyncConfigError(`invalid configuration: ${describe(parsed.error, source)}`);
  return parsed.data;
}

/** Parses the JSON secret (credentials and optional syncs). */
export function parseSecret(text: string, source = 'the cohort-sync secret'): z.infer<typeof SecretSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CohortSyncConfigError(`invalid configuration: ${source} must be a JSON object`);
  }
  const parsed = SecretSchema.safeParse(raw);
  if (!parsed.success) throw new CohortSyncConfigError(`invalid configuration: ${describe(parsed.error, source)}`);
  return parsed.data;
}

/** Validates the environment once and fails fast with a message naming each bad variable. */
export function loadCohortSyncConfig(env: NodeJS.ProcessEnv = process.env): CohortSyncConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new CohortSyncConfigError(`invalid configuration: ${describe(parsed.error, '')}`);
  const e = parsed.data;
  const syncs = e.COHORT_SYNCS !== undefined && e.COHORT_SYNCS.trim() !== '' ? parseSyncs(e.COHORT_SYNCS, 'COHORT_SYNCS') : undefined;

  let credentials: CohortSyncConfig['credentials'];
  if (e.POSTHOG_PERSONAL_API_KEY !== undefined || e.MOENGAGE_APP_ID !== undefined || e.MOENGAGE_API_KEY !== undefined) {
    const direct = CredentialsSchema.safeParse({
      posthogPersonalApiKey: e.POSTHOG_PERSONAL_API_KEY ?? '',
      moengageAppId: e.MOENGAGE_APP_ID ?? '',
      moengageApiKey: e.MOENGAGE_API_KEY ?? '',
      moengageDataCenter: e.MOENGAGE_DATA_CENTER ?? '',
    });
    if (!direct.success) {
      const names: Record<string, string> = {
        posthogPersonalApiKey: 'POSTHOG_PERSONAL_API_KEY',
        moengageAppId: 'MOENGAGE_APP_ID',
        moengageApiKey: 'MOENGAGE_API_KEY',
        moengageDataCenter: 'MOENGAGE_DATA_CENTER',
      };
      const details = direct.error.issues.map((i) => `${names[String(i.path[0])] ?? String(i.path[0])} ${i.message}`).join('; ');
      throw new CohortSyncConfigError(`invalid configuration: ${details}`);
    }
    credentials = { values: direct.data };
  } else if (e.COHORT_SYNC_SECRET !== undefined) {
    credentials = { secret: e.COHORT_SYNC_SECRET };
  } else {
    throw new CohortSyncConfigError(
      'invalid configuration: COHORT_SYNC_SECRET (a Secrets Manager secret) or POSTHOG_PERSONAL_API_KEY, MOENGAGE_APP_ID, MOENGAGE_API_KEY and MOENGAGE_DATA_CENTER are required',
    );
  }
  if (syncs === undefined && !('secret' in credentials)) {
    throw new CohortSyncConfigError('invalid configuration: COHORT_SYNCS is required (a JSON list of syncs)');
  }
  let state: CohortSyncConfig['state'];
  if (e.COHORT_SYNC_STATE_BUCKET !== undefined) state = { bucket: e.COHORT_SYNC_STATE_BUCKET, prefix: e.COHORT_SYNC_STATE_PREFIX };
  else if (e.COHORT_SYNC_STATE_DIR !== undefined) state = { dir: e.COHORT_SYNC_STATE_DIR };
  else throw new CohortSyncConfigError('invalid configuration: COHORT_SYNC_STATE_BUCKET (S3) or COHORT_SYNC_STATE_DIR (local) is required');

  return {
    posthogAppHost: e.POSTHOG_APP_HOST,
    syncs,
    credentials,
    moengageBaseUrl: e.MOENGAGE_BASE_URL?.replace(/\/+$/, ''),
    partner: e.MOENGAGE_PARTNER,
    identity: { property: e.COHORT_SYNC_ID_PROPERTY, fallback: e.COHORT_SYNC_ID_FALLBACK },
    state,
    pageSize: e.POSTHOG_PAGE_SIZE,
    posthogRequestsPerMinute: e.POSTHOG_REQUESTS_PER_MINUTE,
    moengageRequestsPerMinute: e.MOENGAGE_REQUESTS_PER_MINUTE,
    timeoutMs: e.COHORT_SYNC_TIMEOUT_MS,
    secretsMaxAgeSeconds: e.SECRETS_MAX_AGE_SECONDS,
  };
}
