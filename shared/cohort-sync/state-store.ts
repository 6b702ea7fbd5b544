import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';

/**
 * What MoEngage has acknowledged for one sync. `members` is updated and saved after every acknowledged request,
 * so a run that stops half-way leaves a true record and the next run only sends what is still missing.
 */
export const SyncStateSchema = z.object({
  version: z.literal(1),
  syncId: z.string(),
  moengageCohortId: z.string(),
  moengageCohortName: z.string(),
  members: z.array(z.string()),
  /** Set when a run applied the whole difference; a `once` sync is not run again after that. */
  completedAt: z.string().optional(),
  updatedAt: z.string(),
  /** What the cohort looked like when it was last read in full (plan.ts, cohortFingerprint), and when. */
  cohort: z.object({ fingerprint: z.string(), readAt: z.string() }).optional(),
});
export type SyncState = z.infer<typeof SyncStateSchema>;

/** Start times of the PostHog requests of the last hour, shared by every sync and every run (the hourly budget). */
export const BudgetStateSchema = z.object({
  version: z.literal(1),
  posthog: z.array(z.number()),
  query: z.array(z.number()),
});
export type BudgetState = z.infer<typeof BudgetStateSchema>;

export interface StateStore {
  load(syncId: string): Promise<SyncState | undefined>;
  save(state: SyncState): Promise<void>;
  loadBudget(): Promise<BudgetState | undefined>;
  saveBudget(budget: BudgetState): Promise<void>;
  /** Where a state lives, for messages ("s3://bucket/key", a file path). */
  describe(syncId: string): string;
}

/** Where the budget is kept: a name no sync id can take (sync ids start with "posthog-"). */
const BUDGET = '_budget';

export class StateStoreError extends Error {
  override name = 'StateStoreError';
}

function parse<T extends z.ZodType>(text: string, where: string, schema: T): z.infer<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StateStoreError(`state ${where} is not JSON; fix or delete it`, { cause: error });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new StateStoreError(`state ${where} has an unexpected shape; fix or delete it (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

const objectName = (syncId: string) => `${encodeURIComponent(syncId)}.json`;

/** One JSON object per sync under `prefix` in an S3 bucket (the deployed function). */
export function createS3StateStore(s3: S3Client, bucket: string, prefix: string): StateStore {
  const key = (name: string) => `${prefix}${objectName(name)}`;
  const read = async <T extends z.ZodType>(name: string, schema: T): Promise<z.infer<T> | undefined> => {
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key(name) }));
      return parse((await object.Body?.transformToString('utf8')) ?? '', `s3://${bucket}/${key(name)}`, schema);
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  };
  const write = async (name: string, value: unknown) => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key(name), Body: JSON.stringify(value), ContentType: 'application/json' }));
  };
  return {
    describe: (syncId) => `s3://${bucket}/${key(syncId)}`,
    load: (syncId) => read(syncId, SyncStateSchema),
    save: (state) => write(state.syncId, state),
    loadBudget: () => read(BUDGET, BudgetStateSchema),
    saveBudget: (budget) => write(BUDGET, budget),
  };
}

/** One JSON file per sync in a directory (CLI runs without AWS); written to a temporary file, then renamed. */
export function createFileStateStore(dir: string): StateStore {
  const path = (name: string) => join(dir, objectName(name));
  const read = async <T extends z.ZodType>(name: string, schema: T): Promise<z.infer<T> | undefined> => {
    try {
      return parse(await readFile(path(name), 'utf8'), path(name), schema);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  const write = async (name: string, value: unknown) => {
    await mkdir(dir, { recursive: true });
    await writeFile(`${path(name)}.tmp`, JSON.stringify(value));
    await rename(`${path(name)}.tmp`, path(name));
  };
  return {
    describe: path,
    load: (syncId) => read(syncId, SyncStateSchema),
    save: (state) => write(state.syncId, state),
    loadBudget: () => read(BUDGET, BudgetStateSchema),
    saveBudget: (budget) => write(BUDGET, budget),
  };
}

/** A dry run without a state location: nothing was synced before, and nothing is kept. */
export function createEmptyStateStore(): StateStore {
  return {
    describe: () => '(no state: dry run)',
    load: async () => undefined,
    save: async () => undefined,
    loadBudget: async () => undefined,
    saveBudget: async () => undefined,
  };
}
