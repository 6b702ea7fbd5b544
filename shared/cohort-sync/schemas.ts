import * as z from 'zod';

/**
 * MoEngage rejects cohort names that start with a period or contain | * ? \ : < > = $ "
 * (moengage/moengage-documentation api/cohort-audience/cohort-audience.yaml, CohortParameters.cohort_name).
 */
const RESTRICTED_NAME_CHARS = /[|*?\\:<>=$"]/;
/**
 * Also refused before anything is sent: "All Users", the name of MoEngage's built-in all-users segment (any casing),
 * and parentheses, which MoEngage has been reported to refuse in segment names although its API page does not list
 * them. A refused name would otherwise fail only at MoEngage, after the cohort has been read.
 */
const RESERVED_NAMES = new Set(['all users']);
const PARENTHESES = /[()]/;

export const SegmentNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200)
  .refine((name) => !name.startsWith('.'), 'must not start with a period (MoEngage restriction)')
  .refine((name) => !RESTRICTED_NAME_CHARS.test(name), 'must not contain | * ? \\ : < > = $ or " (MoEngage restriction)')
  .refine((name) => !RESERVED_NAMES.has(name.toLowerCase()), '"All Users" is MoEngage\'s built-in segment: choose another name')
  .refine((name) => !PARENTHESES.test(name), 'must not contain parentheses (MoEngage refuses them in segment names)');

export const SyncSchema = z.object({
  posthogProjectId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be a numeric project id')]).transform(String),
  cohortId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be a numeric cohort id')]).transform(String),
  moengageCohortName: SegmentNameSchema,
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

export const PostHogKeySchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .pipe(z.string().startsWith('phx_', 'must be a PostHog personal API key (phx_…)'));

export const MoEngageCredentialsSchema = z.object({
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
export type MoEngageCredentials = z.infer<typeof MoEngageCredentialsSchema>;

export const CredentialsSchema = MoEngageCredentialsSchema.extend({ posthogPersonalApiKey: PostHogKeySchema });
export type Credentials = z.infer<typeof CredentialsSchema>;

/** The JSON secret: the credentials, optionally with the list of syncs. */
export const SecretSchema = CredentialsSchema.extend({ syncs: SyncListSchema.optional() });
/** A dry run reads PostHog only: the secret's MoEngage fields may be missing. */
export const DryRunSecretSchema = MoEngageCredentialsSchema.partial().extend({
  posthogPersonalApiKey: PostHogKeySchema,
  syncs: SyncListSchema.optional(),
});

/** `a.b` messages for every issue of a zod error, under `prefix`. */
export const describeIssues = (error: z.ZodError, prefix: string): string[] =>
  error.issues.map((i) => `${[prefix, ...i.path.map(String)].filter((p) => p !== '').join('.')} ${i.message}`);

export class CohortSyncConfigError extends Error {
  override name = 'CohortSyncConfigError';
}

export const invalid = (problems: string[]) => new CohortSyncConfigError(`invalid configuration: ${problems.join('; ')}`);

/** Parses a JSON list of syncs (COHORT_SYNCS or the secret's `syncs`), failing with messages naming each field. */
export function parseSyncs(text: string, source: string): CohortSync[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw invalid([`${source} is not valid JSON (${(error as Error).message})`]);
  }
  const parsed = SyncListSchema.safeParse(raw);
  if (!parsed.success) throw invalid(describeIssues(parsed.error, source));
  return parsed.data;
}

/** Parses the JSON secret (credentials and optional syncs); a dry run needs only its PostHog key. */
export function parseSecret(text: string, source = 'the cohort-sync secret', dryRun = false): z.infer<typeof DryRunSecretSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalid([`${source} must be a JSON object`]);
  }
  const parsed = (dryRun ? DryRunSecretSchema : SecretSchema).safeParse(raw);
  if (!parsed.success) throw invalid(describeIssues(parsed.error, source));
  return parsed.data;
}
