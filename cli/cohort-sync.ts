import { S3Client } from '@aws-sdk/client-s3';
import { type CohortSyncConfig, loadCohortSyncConfig } from '#shared/cohort-sync/config';
import { COHORT_SYNC_POOL, createRuntime, type RuntimeDeps } from '#shared/cohort-sync/runtime';
import type { HttpTransport, PooledTransport } from '#shared/lib/http-transport';
import { createNodeHttpTransport } from '#shared/lib/node-http-transport';
import { type RunTotals, runCohortSyncs } from '#shared/cohort-sync/sync';
import { readSecretsManager } from '#shared/platform/secrets-manager-reader';
import { LIB_VERSION } from '#shared/mapping/library';
import { FORMAT_HELP, FORMAT_OPTION, format, parse } from './args.ts';
import { formatProgress, formatSummary } from './cohort-sync-format.ts';
import { type AwsTarget, UsageError } from './io.ts';
import { cohortSyncEnvFromStack } from './cohort-sync-stack.ts';
import { DEFAULT_STACK } from './targets.ts';

export const COHORT_SYNC_USAGE = `Usage: moengage-posthog cohort-sync run [--once] [--dry-run] [--force] [--format json] [where]

Copies PostHog cohorts into MoEngage custom segments (see docs/cohort-sync.md). Progress goes to stderr, the
summary of each pass to stdout.

Options
  --once               one pass, then exit (default: a pass every 15 minutes until Ctrl+C)
  --dry-run            read the cohorts, show what would be added and removed; send and save nothing
  --force              run one-time ("once") syncs again even if they completed
${FORMAT_HELP}

Configuration comes from the environment (COHORT_SYNCS, POSTHOG_APP_HOST, credentials, state location).

Where (AWS: your default credentials chain and region, AWS_REGION)
  --stack <name>       take COHORT_SYNC_SECRET and COHORT_SYNC_STATE_BUCKET from this stack's outputs
                       (e.g. ${DEFAULT_STACK}); variables you set win
  -h, --help           this help
  --version            the CLI's version
`;

export const DYNAMIC_INTERVAL_MS = 15 * 60_000;

export interface CohortSyncCommandDeps {
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** The HTTP transport (tests); default: a node:http pool closed when the command ends. */
  send?: HttpTransport;
  s3?: S3Client;
  readSecret?: RuntimeDeps['readSecret'];
  /** The outputs of a CloudFormation stack (for --stack). */
  stackOutputs?: (stackName: string, target: AwsTarget) => Promise<Record<string, string>>;
  /** Ends the repeating mode (Ctrl+C); checked between passes. */
  signal?: AbortSignal;
  intervalMs?: number;
}

const OPTIONS = {
  stack: { type: 'string' },
  ...FORMAT_OPTION,
  once: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
} as const;

/** `{...totals}` of a pass as JSON (numbers as numbers). */
const totalsJson = (totals: RunTotals, dryRun: boolean) => ({ dry_run: dryRun, ...totals });

/**
 * `cohort-sync run [--once] [--dry-run] [--force]`; `argv` holds the words after `cohort-sync`.
 * Returns 0 when every sync succeeded, 1 when one failed; throws UsageError (exit code 2) for bad usage or
 * configuration.
 */
export async function runCohortSyncCommand(argv: readonly string[], deps: CohortSyncCommandDeps): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS, COHORT_SYNC_USAGE, true);
  const [action, ...extra] = positionals;
  if (action !== 'run')
    throw new UsageError(action === undefined ? 'missing action: run' : `unknown cohort-sync action "${action}": use run`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const output = format(values.format);
  const dryRun = values['dry-run'] ?? false;
  const env = values.stack === undefined ? deps.env : await cohortSyncEnvFromStack(values, deps);
  let config: CohortSyncConfig;
  try {
    config = loadCohortSyncConfig(env, { dryRun });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const transport = deps.send ? undefined : createNodeHttpTransport({ ...COHORT_SYNC_POOL, keepAliveTimeoutMs: 10_000 });
  const send = deps.send ?? (transport as PooledTransport).send;
  const s3 = deps.s3 ?? (config.state && 'bucket' in config.state ? new S3Client({}) : undefined);
  const interval = deps.intervalMs ?? DYNAMIC_INTERVAL_MS;
  try {
    for (let pass = 1; ; pass++) {
      if (!values.once) deps.stderr(`pass ${pass} at ${new Date(now()).toISOString()}${dryRun ? ' (dry run)' : ''}\n`);
      let totals: RunTotals;
      try {
        const runtime = await createRuntime(config, {
          send,
          ...(s3 ? { s3 } : {}),
          readSecret: deps.readSecret ?? readSecretsManager,
          now,
          sleep,
          random: deps.random ?? Math.random,
          userAgent: `moengage-posthog-forwarder-cli/${LIB_VERSION}`,
          progress: (event) => deps.stderr(`${formatProgress(event)}\n`),
          onRetry: (info) =>
            deps.stderr(
              `  retry ${info.attempt}: ${info.status ?? 'network error'} from ${new URL(info.url).host}, waiting ${Math.ceil(info.delayMs / 1000)} s\n`,
            ),
        });
        totals = await runCohortSyncs(runtime.syncs, runtime.deps, { dryRun, force: values.force ?? false });
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      deps.stdout(output === 'json' ? `${JSON.stringify(totalsJson(totals, dryRun))}\n` : `${formatSummary(totals, dryRun)}\n`);
      if (values.once || dryRun) return totals.errors > 0 ? 1 : 0;
      if (deps.signal?.aborted) return 0;
      deps.stderr(`next pass in ${Math.round(interval / 60_000)} min (Ctrl+C to stop)\n`);
      await sleep(interval);
      if (deps.signal?.aborted) return 0;
    }
  } finally {
    await transport?.close();
    if (!deps.s3) s3?.destroy();
  }
}
