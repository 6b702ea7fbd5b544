import { S3Client } from '@aws-sdk/client-s3';
import { Agent, type Dispatcher } from 'undici';
import { type CohortSyncConfig, loadCohortSyncConfig } from '#shared/cohort-sync/config';
import { createRuntime, type RuntimeDeps } from '#shared/cohort-sync/runtime';
import { type ProgressEvent, type RunTotals, runCohortSyncs, type SyncSummary } from '#shared/cohort-sync/sync';
import { readSecretsManager } from '#shared/platform/secrets';
import { LIB_VERSION } from '#shared/mapping/library';

export const COHORT_SYNC_USAGE = `usage: cohort-sync run [--once] [--dry-run] [--force]

Copies PostHog cohorts into MoEngage custom segments (see docs/cohort-sync.md).
  --once      one pass, then exit (default: a pass every 15 minutes until Ctrl+C)
  --dry-run   read the cohorts and show what would be added and removed; send and save nothing
  --force     run one-time ("once") syncs again even if they completed
Configuration comes from the environment (COHORT_SYNCS, POSTHOG_APP_HOST, credentials, state location).`;

export const DYNAMIC_INTERVAL_MS = 15 * 60_000;

export interface CohortSyncCommandDeps {
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  dispatcher?: Dispatcher;
  s3?: S3Client;
  readSecret?: RuntimeDeps['readSecret'];
  /** Ends the repeating mode (Ctrl+C); checked between passes. */
  signal?: AbortSignal;
  intervalMs?: number;
}

interface Flags {
  once: boolean;
  dryRun: boolean;
  force: boolean;
}

function parseArgs(argv: readonly string[]): Flags | string {
  const [command, ...rest] = argv;
  if (command !== 'run') return command === undefined ? 'missing command "run"' : `unknown command "${command}"`;
  const flags: Flags = { once: false, dryRun: false, force: false };
  for (const arg of rest) {
    if (arg === '--once') flags.once = true;
    else if (arg === '--dry-run') flags.dryRun = true;
    else if (arg === '--force') flags.force = true;
    else return `unknown option "${arg}"`;
  }
  return flags;
}

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

/**
 * `cohort-sync run [--once] [--dry-run] [--force]`; `argv` holds the words after `cohort-sync`.
 * Returns the exit code: 0 when every sync succeeded, 1 when one failed, 2 for bad usage or configuration.
 */
export async function runCohortSyncCommand(argv: readonly string[], deps: CohortSyncCommandDeps): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    deps.stdout(`${COHORT_SYNC_USAGE}\n`);
    return 0;
  }
  const flags = parseArgs(argv);
  if (typeof flags === 'string') {
    deps.stderr(`cohort-sync: ${flags}\n${COHORT_SYNC_USAGE}\n`);
    return 2;
  }
  let config: CohortSyncConfig;
  try {
    config = loadCohortSyncConfig(deps.env, { dryRun: flags.dryRun });
  } catch (error) {
    deps.stderr(`cohort-sync: ${(error as Error).message}\n`);
    return 2;
  }
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const dispatcher = deps.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connect: { timeout: 5_000 } });
  const s3 = deps.s3 ?? (config.state && 'bucket' in config.state ? new S3Client({}) : undefined);
  try {
    for (let pass = 1; ; pass++) {
      if (!flags.once) deps.stdout(`pass ${pass} at ${new Date(now()).toISOString()}${flags.dryRun ? ' (dry run)' : ''}\n`);
      let totals: RunTotals;
      try {
        const runtime = await createRuntime(config, {
          dispatcher,
          ...(s3 ? { s3 } : {}),
          readSecret: deps.readSecret ?? readSecretsManager,
          now,
          sleep,
          random: deps.random ?? Math.random,
          userAgent: `moengage-posthog-forwarder-cli/${LIB_VERSION}`,
          progress: (event) => deps.stdout(`${formatProgress(event)}\n`),
          onRetry: (info) =>
            deps.stdout(
              `  retry ${info.attempt}: ${info.status ?? 'network error'} from ${new URL(info.url).host}, waiting ${Math.ceil(info.delayMs / 1000)} s\n`,
            ),
        });
        totals = await runCohortSyncs(runtime.syncs, runtime.deps, { dryRun: flags.dryRun, force: flags.force });
      } catch (error) {
        deps.stderr(`cohort-sync: ${(error as Error).message}\n`);
        return 2;
      }
      deps.stdout(`${formatSummary(totals, flags.dryRun)}\n`);
      if (flags.once || flags.dryRun) return totals.errors > 0 ? 1 : 0;
      if (deps.signal?.aborted) return 0;
      deps.stdout(`next pass in ${Math.round((deps.intervalMs ?? DYNAMIC_INTERVAL_MS) / 60_000)} min (Ctrl+C to stop)\n`);
      await sleep(deps.intervalMs ?? DYNAMIC_INTERVAL_MS);
      if (deps.signal?.aborted) return 0;
    }
  } finally {
    if (!deps.dispatcher) await (dispatcher as Agent).close();
    if (!deps.s3) s3?.destroy();
  }
}
