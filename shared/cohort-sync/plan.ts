import { createHash } from 'node:crypto';
import type { CohortSync, IdentityOptions } from './config.ts';
import type { CohortInfo } from './posthog-cohort-reader.ts';
import type { SyncState } from './state-store.ts';

/**
 * The MoEngage `cohort_id` and the state key of a sync: stable for a (project, cohort, segment name) triple, so a
 * renamed segment starts afresh instead of inheriting another segment's membership.
 */
export function syncIdOf(sync: Pick<CohortSync, 'posthogProjectId' | 'cohortId' | 'moengageCohortName'>): string {
  const name = createHash('sha256').update(sync.moengageCohortName).digest('hex').slice(0, 10);
  return `posthog-${sync.posthogProjectId}-${sync.cohortId}-${name}`;
}

export type RunDecision = { run: true } | { run: false; reason: string };

/** A `dynamic` sync runs every time; a `once` sync runs until one run completes (unless forced). */
export function decideRun(sync: Pick<CohortSync, 'mode'>, state: SyncState | undefined, force = false): RunDecision {
  if (sync.mode === 'once' && state?.completedAt !== undefined && !force) {
    return { run: false, reason: `one-time export already completed at ${state.completedAt}` };
  }
  return { run: true };
}

/**
 * What identifies one computed state of a cohort: PostHog bumps `version` and `last_calculation` on every
 * recalculation. The identity settings are part of it, since they change the members without changing the cohort.
 * Undefined when PostHog gives neither (an old self-hosted version): such a cohort is always read.
 */
export function cohortFingerprint(cohort: CohortInfo, identity: IdentityOptions): string | undefined {
  if (cohort.version == null && cohort.last_calculation == null) return undefined;
  return JSON.stringify([
    cohort.version ?? null,
    cohort.last_calculation ?? null,
    cohort.count ?? null,
    identity.property,
    identity.fallback,
  ]);
}

/**
 * A dynamic sync whose cohort has not been recalculated since the last complete run is skipped: reading it again
 * would spend the hourly PostHog budget for nothing. It is read anyway after `fullReadHours`, because a person's
 * `$moengage_user_id` can change without a recalculation.
 */
export function decideRead(state: SyncState | undefined, fingerprint: string | undefined, now: number, fullReadHours: number): RunDecision {
  const last = state?.cohort;
  if (fingerprint === undefined || last === undefined || state?.completedAt === undefined || last.fingerprint !== fingerprint)
    return { run: true };
  if (now - Date.parse(last.readAt) >= fullReadHours * 3_600_000) return { run: true };
  return { run: false, reason: `unchanged since it was read at ${last.readAt} (not recalculated by PostHog); nothing to send` };
}

export interface MembershipDiff {
  toAdd: string[];
  toRemove: string[];
}

/** What to add and remove so that MoEngage's segment equals `target`; sorted so requests are reproducible. */
export function diffMembership(previous: Iterable<string>, target: ReadonlySet<string>): MembershipDiff {
  const before = new Set(previous);
  const toAdd = [...target].filter((uid) => !before.has(uid)).sort();
  const toRemove = [...before].filter((uid) => !target.has(uid)).sort();
  return { toAdd, toRemove };
}

/** The acknowledged membership after MoEngage accepted one request. */
export function applyAcknowledged(members: Set<string>, action: 'add_members' | 'remove_members', uids: readonly string[]): void {
  for (const uid of uids) {
    if (action === 'add_members') members.add(uid);
    else members.delete(uid);
  }
}
