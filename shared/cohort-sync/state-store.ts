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
});
export type SyncState = z.infer<typeof SyncStateSchema>;

export interface StateStore {
  load(syncId: string): Promise<SyncState | undefined>;
  save(state: SyncState): Promise<void>;
  /** Where a state lives, for messages ("s3://bucket/key", a file path). */
  describe(syncId: string): string;
}

export class StateStoreError extends Error {
  override name = 'StateStoreError';
}

function parse(text: string, where: string): SyncState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StateStoreError(`state ${where} is not JSON; fix or delete it`, { cause: error });
  }
  const parsed = SyncStateSchema.safeParse(raw);
  if (!parsed.success)
    throw new StateStoreError(`state ${where} has an unexpected shape; fix or delete it (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

const objectName = (syncId: string) => `${encodeURIComponent(syncId)}.json`;

/** One JSON object per sync under `prefix` in an S3 bucket (the deployed function). */
export function createS3StateStore(s3: S3Client, bucket: string, prefix: string): StateStore {
  const key = (syncId: string) => `${prefix}${objectName(syncId)}`;
  return {
    describe: (syncId) => `s3://${bucket}/${key(syncId)}`,
    load: async (syncId) => {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key(syncId) }));
        return parse((await object.Body?.transformToString('utf8')) ?? '', `s3://${bucket}/${key(syncId)}`);
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    save: async (state) => {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key(state.syncId), Body: JSON.stringify(state), ContentType: 'application/json' }),
      );
    },
  };
}

/** One JSON file per sync in a directory (CLI runs without AWS); written to a temporary file, then renamed. */
export function createFileStateStore(dir: string): StateStore {
  const path = (syncId: string) => join(dir, objectName(syncId));
  return {
    describe: path,
    load: async (syncId) => {
      try {
        return parse(await readFile(path(syncId), 'utf8'), path(syncId));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    save: async (state) => {
      await mkdir(dir, { recursive: true });
      const target = path(state.syncId);
      await writeFile(`${target}.tmp`, JSON.stringify(state));
      await rename(`${target}.tmp`, target);
    },
  };
}
