import type { CohortSync } from './config.ts';
import { type CohortRef, chunkUids, cohortSyncBody, MAX_PAYLOAD_BYTES } from './moengage-cohort-api.ts';
import { applyAcknowledged, type MembershipDiff } from './plan.ts';
import type { SyncState } from './state-store.ts';
import type { SyncDeps, SyncSummary } from './sync-types.ts';

/** What a complete read leaves in the state besides the membership. */
export interface ReadFacts {
  syncId: string;
  previous: SyncState | undefined;
  /** Undefined when PostHog gives no version: the cohort is then read every run. */
  fingerprint: string | undefined;
  readAt: string;
}

function batchesOf(diff: MembershipDiff, cohort: CohortRef, maxBytes: number) {
  return [
    ...chunkUids('add_members', cohort, diff.toAdd, maxBytes).map((uids) => ({ action: 'add_members' as const, uids })),
    ...chunkUids('remove_members', cohort, diff.toRemove, maxBytes).map((uids) => ({ action: 'remove_members' as const, uids })),
  ];
}

function stateOf(sync: CohortSync, facts: ReadFacts, members: ReadonlySet<string>, now: number, completed: boolean): SyncState {
  const updatedAt = new Date(now).toISOString();
  const completedAt = completed ? updatedAt : facts.previous?.completedAt;
  const cohort =
    completed && facts.fingerprint !== undefined ? { fingerprint: facts.fingerprint, readAt: facts.readAt } : facts.previous?.cohort;
  return {
    version: 1,
    syncId: facts.syncId,
    moengageCohortId: facts.syncId,
    moengageCohortName: sync.moengageCohortName,
    members: [...members].sort(),
    updatedAt,
    ...(completedAt === undefined ? {} : { completedAt }),
    ...(cohort === undefined ? {} : { cohort }),
  };
}

/**
 * Sends the difference as add/remove requests under 128 KB and saves the acknowledged membership after each one, so
 * an interrupted run leaves a true record. A 200 from MoEngage means "accepted and will be processed soon", not done.
 */
export async function applyDiff(
  sync: CohortSync,
  diff: MembershipDiff,
  facts: ReadFacts,
  deps: SyncDeps & { send: NonNullable<SyncDeps['send']> },
  summary: SyncSummary,
): Promise<SyncSummary> {
  const members = new Set(facts.previous?.members ?? []);
  const cohortRef: CohortRef = { partner: deps.partner, cohortName: sync.moengageCohortName, cohortId: facts.syncId };
  const batches = batchesOf(diff, cohortRef, deps.maxPayloadBytes ?? MAX_PAYLOAD_BYTES);
  for (const [index, batch] of batches.entries()) {
    if (deps.deadline !== undefined && deps.now() >= deps.deadline) {
      summary.status = 'incomplete';
      summary.message = `stopped before the time limit after ${index} of ${batches.length} request(s); the next run continues`;
      return summary;
    }
    const body = cohortSyncBody(batch.action, cohortRef, batch.uids);
    const result = await deps.send(body);
    summary.requests++;
    if (!result.ok) throw new Error(`MoEngage ${batch.action} (request ${index + 1} of ${batches.length}): ${result.message}`);
    applyAcknowledged(members, batch.action, batch.uids);
    if (batch.action === 'add_members') summary.added += batch.uids.length;
    else summary.removed += batch.uids.length;
    await deps.store.save(stateOf(sync, facts, members, deps.now(), false));
    const bytes = Buffer.byteLength(JSON.stringify(body));
    deps.progress?.({
      type: 'request',
      sync,
      action: batch.action,
      members: batch.uids.length,
      bytes,
      done: index + 1,
      total: batches.length,
    });
  }
  if (summary.members === 0 && members.size === 0 && facts.previous === undefined) {
    summary.message = 'the cohort has no member with a MoEngage id; MoEngage creates the segment with the first member added';
  }
  await deps.store.save(stateOf(sync, facts, members, deps.now(), true));
  return summary;
}
