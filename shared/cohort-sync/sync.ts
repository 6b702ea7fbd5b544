import type { CohortSync } from './config.ts';
import { resolveMemberId } from './identity.ts';
import { cohortFingerprint, decideRead, decideRun, diffMembership, syncIdOf } from './plan.ts';
import type { CohortInfo } from './posthog-cohort-reader.ts';
import { BudgetExhaustedError } from './rate-limiter.ts';
import { applyDiff } from './sync-apply.ts';
import type { RunTotals, SkipReason, SyncDeps, SyncOptions, SyncSummary } from './sync-types.ts';

export type { ProgressEvent, ReadPath, RunTotals, SkipReason, SyncDeps, SyncOptions, SyncSummary } from './sync-types.ts';

const emptySummary = (sync: CohortSync, syncId: string): SyncSummary => ({
  syncId,
  moengageCohortName: sync.moengageCohortName,
  status: 'synced',
  members: 0,
  added: 0,
  removed: 0,
  skipped: 0,
  skippedByReason: { no_id: 0, anonymous: 0, not_identified: 0 } satisfies Record<SkipReason, number>,
  requests: 0,
  errors: [],
});

function skip(summary: SyncSummary, sync: CohortSync, deps: SyncDeps, reason: string): SyncSummary {
  deps.progress?.({ type: 'skip', sync, reason });
  summary.status = 'skipped';
  summary.message = reason;
  return summary;
}

/** A deleted cohort is an error; one PostHog is recalculating is skipped, so a half-computed cohort never empties the segment. */
function cohortProblem(cohort: CohortInfo, sync: CohortSync): { fail: string } | { skip: string } | undefined {
  if (cohort.deleted) return { fail: `PostHog cohort ${sync.cohortId} is deleted; remove this sync or restore the cohort` };
  if (cohort.is_calculating) return { skip: 'PostHog is recalculating the cohort; the next run syncs it' };
  return undefined;
}

/** Reads every member and resolves their MoEngage ids; persons without one are counted by reason. */
async function readTarget(sync: CohortSync, cohort: CohortInfo, synced: ReadonlySet<string>, deps: SyncDeps, summary: SyncSummary) {
  const path = deps.readPath(cohort);
  deps.progress?.({ type: 'read', sync, path, count: cohort.count ?? undefined });
  const target = new Set<string>();
  let page = 0;
  for await (const persons of deps.readPersons(sync.posthogProjectId, sync.cohortId, path)) {
    page++;
    for (const person of persons) {
      const id = resolveMemberId(person, deps.identity, synced);
      if (id.ok) target.add(id.uid);
      else summary.skippedByReason[id.reason]++;
    }
    deps.progress?.({ type: 'page', sync, page, persons: persons.length, members: target.size });
  }
  summary.members = target.size;
  summary.skipped = Object.values(summary.skippedByReason).reduce((a, b) => a + b, 0);
  return target;
}

/** One sync: read the cohort (unless unchanged), diff with the acknowledged membership, send the difference. */
export async function runCohortSync(sync: CohortSync, deps: SyncDeps, options: SyncOptions = {}): Promise<SyncSummary> {
  const syncId = syncIdOf(sync);
  const summary = emptySummary(sync, syncId);
  try {
    deps.progress?.({ type: 'start', sync, syncId });
    const state = await deps.store.load(syncId);
    const decision = decideRun(sync, state, options.force);
    if (!decision.run) return skip(summary, sync, deps, decision.reason);
    const cohort = await deps.getCohort(sync.posthogProjectId, sync.cohortId);
    const problem = cohortProblem(cohort, sync);
    if (problem && 'fail' in problem) throw new Error(problem.fail);
    if (problem) return skip(summary, sync, deps, problem.skip);
    const fingerprint = cohortFingerprint(cohort, deps.identity);
    const readAt = new Date(deps.now()).toISOString();
    const read = options.force ? { run: true as const } : decideRead(state, fingerprint, deps.now(), deps.fullReadHours ?? 24);
    if (!read.run) return skip(summary, sync, deps, read.reason);

    const synced = new Set(state?.members ?? []);
    const target = await readTarget(sync, cohort, synced, deps, summary);
    const diff = diffMembership(synced, target);
    const dryRun = options.dryRun === true || deps.send === undefined;
    deps.progress?.({ type: 'plan', sync, toAdd: diff.toAdd.length, toRemove: diff.toRemove.length, skipped: summary.skipped, dryRun });
    if (dryRun) return { ...summary, status: 'dry_run', added: diff.toAdd.length, removed: diff.toRemove.length };
    return await applyDiff(
      sync,
      diff,
      { syncId, previous: state, fingerprint, readAt },
      { ...deps, send: deps.send as NonNullable<SyncDeps['send']> },
      summary,
    );
  } catch (error) {
    if (error instanceof BudgetExhaustedError) {
      summary.status = 'incomplete';
      summary.message = error.message;
      deps.progress?.({ type: 'skip', sync, reason: error.message });
      return summary;
    }
    const message = (error as Error).message;
    deps.progress?.({ type: 'error', sync, message });
    summary.errors.push(message);
    summary.status = 'failed';
    return summary;
  } finally {
    await deps.saveBudget?.();
  }
}

/** Every configured sync, one after the other; one failing sync does not stop the others. */
export async function runCohortSyncs(syncs: readonly CohortSync[], deps: SyncDeps, options: SyncOptions = {}): Promise<RunTotals> {
  const results: SyncSummary[] = [];
  for (const sync of syncs) results.push(await runCohortSync(sync, deps, options));
  const total = (pick: (s: SyncSummary) => number) => results.reduce((n, s) => n + pick(s), 0);
  return {
    syncs: results,
    added: total((s) => s.added),
    removed: total((s) => s.removed),
    skipped: total((s) => s.skipped),
    errors: total((s) => s.errors.length),
  };
}
