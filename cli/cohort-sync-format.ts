import type { ProgressEvent, RunTotals, SyncSummary } from '#shared/cohort-sync/sync';

const n = (value: number) => value.toLocaleString('en-US');

/** One progress line per step a person would want to see. */
export function formatProgress(event: ProgressEvent): string {
  const name = event.sync.moengageCohortName;
  switch (event.type) {
    case 'start':
      return `${name} ← PostHog project ${event.sync.posthogProjectId}, cohort ${event.sync.cohortId} (${event.sync.mode})`;
    case 'skip':
      return `  skipped: ${event.reason}`;
    case 'read':
      return `  reading ${event.count === undefined ? 'the cohort' : `${n(event.count)} persons`} through ${event.path === 'query' ? 'the HogQL query API (keyset pages of up to 50,000)' : 'the persons endpoint'}`;
    case 'page':
      return `  read page ${event.page}: ${n(event.persons)} persons (${n(event.members)} members so far)`;
    case 'plan':
      return `  ${event.dryRun ? 'would add' : 'to add'} ${n(event.toAdd)}, ${event.dryRun ? 'would remove' : 'to remove'} ${n(event.toRemove)}, skipped ${n(event.skipped)} without a MoEngage id`;
    case 'request':
      return `  ${event.action} ${event.done}/${event.total}: ${n(event.members)} members (${n(event.bytes)} bytes) accepted`;
    case 'error':
      return `  error: ${event.message}`;
  }
}

/**
 * A dry run says "would add/remove"; a real run says MoEngage "accepted" the members: its 200 means "Your request
 * has been accepted and will be processed soon" (cohort-audience.yaml), so the segment catches up a little later.
 */
export function formatSummary(totals: RunTotals, dryRun: boolean): string {
  const [add, remove] = dryRun ? ['would add', 'would remove'] : ['accepted: added', 'removed'];
  const line = (s: SyncSummary) => {
    const reasons = Object.entries(s.skippedByReason)
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => `${reason} ${n(count)}`)
      .join(', ');
    return `  ${s.moengageCohortName}: ${s.status}; members ${n(s.members)}, ${add} ${n(s.added)}, ${remove} ${n(s.removed)}, skipped ${n(s.skipped)}${reasons ? ` (${reasons})` : ''}, errors ${s.errors.length}${s.message ? ` — ${s.message}` : ''}`;
  };
  const after = dryRun || totals.added + totals.removed === 0 ? '' : ' (MoEngage processes accepted requests shortly after)';
  return [
    ...totals.syncs.map(line),
    `summary: ${add} ${n(totals.added)}, ${remove} ${n(totals.removed)}, skipped ${n(totals.skipped)}, errors ${n(totals.errors)}${after}`,
  ].join('\n');
}
