import type { CohortSync, IdentityOptions } from './config.ts';
import type { CohortAction, CohortSyncBody, CohortSyncResult } from './moengage-cohort-api.ts';
import type { CohortInfo, CohortPerson } from './posthog-cohort-reader.ts';
import type { StateStore } from './state-store.ts';

export type SkipReason = 'no_id' | 'anonymous' | 'not_identified';

/** How the members were read: the persons endpoint (small cohorts) or the HogQL query API (large ones). */
export type ReadPath = 'persons' | 'query';

export type ProgressEvent =
  | { type: 'start'; sync: CohortSync; syncId: string }
  | { type: 'skip'; sync: CohortSync; reason: string }
  | { type: 'read'; sync: CohortSync; path: ReadPath; count: number | undefined }
  | { type: 'page'; sync: CohortSync; page: number; persons: number; members: number }
  | { type: 'plan'; sync: CohortSync; toAdd: number; toRemove: number; skipped: number; dryRun: boolean }
  | { type: 'request'; sync: CohortSync; action: CohortAction; members: number; bytes: number; done: number; total: number }
  | { type: 'error'; sync: CohortSync; message: string };

export interface SyncDeps {
  getCohort(projectId: string, cohortId: string): Promise<CohortInfo>;
  /** Which read path a cohort takes (runtime.ts: by its size). */
  readPath(cohort: CohortInfo): ReadPath;
  readPersons(projectId: string, cohortId: string, path: ReadPath): AsyncIterable<CohortPerson[]>;
  /** Undefined in a dry run: nothing is sent. */
  send: ((body: CohortSyncBody) => Promise<CohortSyncResult>) | undefined;
  store: StateStore;
  identity: IdentityOptions;
  partner: string;
  now(): number;
  /** Re-read an unchanged cohort after this many hours anyway (default 24). */
  fullReadHours?: number;
  /** Saves what the run spent of the hourly budgets; called after every sync. */
  saveBudget?(): Promise<void>;
  /** Epoch ms after which no new request starts (keeps a Lambda inside its timeout); the next run resumes. */
  deadline?: number;
  maxPayloadBytes?: number;
  progress?(event: ProgressEvent): void;
}

export interface SyncOptions {
  dryRun?: boolean;
  /** Run a `once` sync again even though it completed, and read a cohort even though it did not change. */
  force?: boolean;
}

export interface SyncSummary {
  syncId: string;
  moengageCohortName: string;
  status: 'synced' | 'skipped' | 'dry_run' | 'incomplete' | 'failed';
  /** Members the segment should have (persons with a usable id, deduplicated). */
  members: number;
  /** Members in requests MoEngage accepted (200: "accepted and will be processed soon"), or would add in a dry run. */
  added: number;
  removed: number;
  /** Persons without a usable MoEngage id, not sent. */
  skipped: number;
  skippedByReason: Record<SkipReason, number>;
  requests: number;
  errors: string[];
  message?: string;
}

export interface RunTotals {
  syncs: SyncSummary[];
  added: number;
  removed: number;
  skipped: number;
  errors: number;
}
