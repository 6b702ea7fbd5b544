import type { CohortSync, IdentityOptions } from './config.ts';
import { resolveMemberId } from './identity.ts';
import {
  type CohortAction,
  type CohortRef,
  type CohortSyncResult,
  chunkUids,
  cohortSyncBody,
  type CohortSyncBody,
  MAX_PAYLOAD_BYTES,
} from './moengage-cohort-api.ts';
import { applyAcknowledged, decideRun, diffMembership, syncIdOf } from './plan.ts';
import type { CohortInfo, CohortPerson } from './posthog-cohort-reader.ts';
import type { StateStore, SyncState } from './state-store.ts';

export type SkipReason = 'no_id' | 'anonymous' | 'not_identified';

export type ProgressEvent =
  | { type: 'start'; sync: CohortSync; syncId: string }
  | { type: 'skip'; sync: CohortSync; reason: string }
  | { type: 'page'; sync: CohortSync; page: number; persons: number; members: number }
  | { type: 'plan'; sync: CohortSync; toAdd: number; toRemove: number; skipped: number; dryRun: boolean }
  | { type: 'request'; sync: CohortSync; action: CohortAction; members: number; bytes: number; done: number; total: number }
  | { type: 'error'; sync: CohortSync; message: string };

export interface SyncDeps {
  getCohort(projectId: string, cohortId: string): Promise<CohortInfo>;
  readPersons(projectId: string, cohortId: string): AsyncIterable<CohortPerson[]>;
  send(body: CohortSyncBody): Promise<CohortSyncResult>;
  store: StateStore;
  identity: IdentityOptions;
  partner: string;
  now(): number;
  /** Epoch ms after which no new request starts (keeps a Lambda inside its timeout); the next run resumes. */
  deadline?: number;
  maxPayloadBytes?: number;
  progress?(event: ProgressEvent): void;
}

export interface SyncOptions {
  dryRun?: boolean;
  /** Run a `once` sync again even though it completed. */
  force?: boolean;
}

export interface SyncSummary {
  syncId: string;
  moengageCohortName: string;
  status: 'synced' | 'skipped' | 'dry_run' | 'incomplete' | 'failed';
  /** Members the segment should have (persons with a usable id, deduplicated). */
  members: number;
  added: number;
  removed: number;
  /** Persons without a usable MoEngage id, not sent. */
  skipped: number;
  skippedByReason: Record<SkipReason, number>;
  requests: number;
  errors: string[];
  message?: string;
}

const emptySkips = (): Record<SkipReason, number> => ({ no_id: 0, anonymous: 0, not_identified: 0 });

/** One sync: read the cohort, diff with the acknowledged membership, send the difference, save after each ack. */
export async function runCohortSync(sync: CohortSync, deps: SyncDeps, options: SyncOptions = {}): Promise<SyncSummary> {
  const syncId = syncIdOf(sync);
  const summary: SyncSummary = {
    syncId,
    moengageCohortName: sync.moengageCohortName,
    status: 'synced',
    members: 0,
    added: 0,
    removed: 0,
    skipped: 0,
    skippedByReason: emptySkips(),
    requests: 0,
    errors: [],
  };
  const fail = (message: string): SyncSummary => {
    deps.progress?.({ type: 'error', sync, message });
    summary.errors.push(message);
    summary.status = 'failed';
    return summary;
  };
  try {
    deps.progress?.({ type: 'start', sync, syncId });
    const state = await deps.store.load(syncId);
    const decision = decideRun(sync, state, options.force);
    if (!decision.run) return skip(summary, sync, deps, decision.reason);

    const cohort = await deps.getCohort(sync.posthogProjectId, sync.cohortId);
    if (cohort.deleted) return fail(`PostHog cohort ${sync.cohortId} is deleted; remove this sync or restore the cohort`);
    if (cohort.is_calculating) return skip(summary, sync, deps, 'PostHog is recalculating the cohort; the next run syncs it');

    const target = new Set<string>();
    let page = 0;
    for await (const persons of deps.readPersons(sync.posthogProjectId, sync.cohortId)) {
      page++;
      for (const person of persons) {
        const id = resolveMemberId(person, deps.identity);
        if (id.ok) target.add(id.uid);
        else summary.skippedByReason[id.reason]++;
      }
      deps.progress?.({ type: 'page', sync, page, persons: persons.length, members: target.size });
    }
    summary.members = target.size;
    summary.skipped = Object.values(summary.skippedByReason).reduce((a, b) => a + b, 0);

    const members = new Set(state?.members ?? []);
    const { toAdd, toRemove } = diffMembership(members, target);
    deps.progress?.({
      type: 'plan',
      sync,
      toAdd: toAdd.length,
      toRemove: toRemove.length,
      skipped: summary.skipped,
      dryRun: options.dryRun === true,
    });
    if (options.dryRun) {
      summary.status = 'dry_run';
      summary.added = toAdd.length;
      summary.removed = toRemove.length;
      return summary;
    }

    const cohortRef: CohortRef = { partner: deps.partner, cohortName: sync.moengageCohortName, cohortId: syncId };
    const maxBytes = deps.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
    const batches = [
      ...chunkUids('add_members', cohortRef, toAdd, maxBytes).map((uids) => ({ action: 'add_members' as const, uids })),
      ...chunkUids('remove_members', cohortRef, toRemove, maxBytes).map((uids) => ({ action: 'remove_members' as const, uids })),
    ];
    const save = (completed: boolean) => {
      const next: SyncState = {
        version: 1,
        syncId,
        moengageCohortId: syncId,
        moengageCohortName: sync.moengageCohortName,
        members: [...members].sort(),
        updatedAt: new Date(deps.now()).toISOString(),
      };
      const completedAt = completed ? next.updatedAt : state?.completedAt;
      return deps.store.save(completedAt === undefined ? next : { ...next, completedAt });
    };

    for (const [index, batch] of batches.entries()) {
      if (deps.deadline !== undefined && deps.now() >= deps.deadline) {
        summary.status = 'incomplete';
        summary.message = `stopped before the time limit after ${index} of ${batches.length} request(s); the next run continues`;
        return summary;
      }
      const body = cohortSyncBody(batch.action, cohortRef, batch.uids);
      const result = await deps.send(body);
      summary.requests++;
      if (!result.ok) return fail(`MoEngage ${batch.action} (request ${index + 1} of ${batches.length}): ${result.message}`);
      applyAcknowledged(members, batch.action, batch.uids);
      if (batch.action === 'add_members') summary.added += batch.uids.length;
      else summary.removed += batch.uids.length;
      await save(false);
      deps.progress?.({
        type: 'request',
        sync,
        action: batch.action,
        members: batch.uids.length,
        bytes: Buffer.byteLength(JSON.stringify(body)),
        done: index + 1,
        total: batches.length,
      });
    }
    if (target.size === 0 && members.size === 0 && state === undefined) {
      summary.message = 'the cohort has no member with a MoEngage id; MoEngage creates the segment with the first member added';
    }
    await save(true);
    return summary;
  } catch (error) {
    return fail((error as Error).message);
  }
}

function skip(summary: SyncSummary, sync: CohortSync, deps: SyncDeps, reason: string): SyncSummary {
  deps.progress?.({ type: 'skip', sync, reason });
  summary.status = 'skipped';
  summary.message = reason;
  return summary;
}

export interface RunTotals {
  syncs: SyncSummary[];
  added: number;
  removed: number;
  skipped: number;
  errors: number;
}

/** Every configured sync, one after the other; one failing sync does not stop the others. */
export async function runCohortSyncs(syncs: readonly CohortSync[], deps: SyncDeps, options: SyncOptions = {}): Promise<RunTotals> {
  const results: SyncSummary[] = [];
  for (const sync of syncs) results.push(await runCohortSync(sync, deps, options));
  return {
    syncs: results,
    added: results.reduce((n, s) => n + s.added, 0),
    removed: results.reduce((n, s) => n + s.removed, 0),
    skipped: results.reduce((n, s) => n + s.skipped, 0),
    errors: results.reduce((n, s) => n + s.errors.length, 0),
  };
}
