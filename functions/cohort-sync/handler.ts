import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { loadCohortSyncConfig } from '#shared/cohort-sync/config';
import { COHORT_SYNC_POOL, createRuntime } from '#shared/cohort-sync/runtime';
import { createNodeHttpTransport } from '#shared/lib/node-http-transport';
import { type RunTotals, runCohortSyncs } from '#shared/cohort-sync/sync';
import { count, createLogger, createMetrics, withLambdaContext } from '#shared/platform/observability';
import { createExtensionSecretReader } from '#shared/platform/secrets-extension';
import { LIB_NAME, LIB_VERSION } from '#shared/mapping/library';

const config = loadCohortSyncConfig();
const logger = createLogger('cohort-sync');
const metrics = createMetrics('cohort-sync');
const { send } = createNodeHttpTransport(COHORT_SYNC_POOL);
const readSecret = createExtensionSecretReader({ send, env: process.env });
const s3 = new S3Client({});
/** Time kept back at the end of an invocation to save state and publish metrics. */
const SAFETY_MARGIN_MS = 60_000;

export class CohortSyncFailedError extends Error {
  override name = 'CohortSyncFailedError';
}

/** EventBridge schedule entry (every 15 minutes): runs every configured sync; throws when one failed so the Errors alarm fires. */
export const handler = withLambdaContext(logger, async (_event: unknown, context: Context): Promise<RunTotals> => {
  try {
    const runtime = await createRuntime(config, {
      send,
      s3,
      readSecret,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      userAgent: `${LIB_NAME}-cohort-sync/${LIB_VERSION}`,
      deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
      progress: (event) => {
        if (event.type === 'error') logger.error('cohort sync failed', { cohort: event.sync.moengageCohortName, reason: event.message });
        else if (event.type === 'plan' || event.type === 'skip' || event.type === 'read')
          logger.info(`cohort sync ${event.type}`, { ...event, sync: event.sync.moengageCohortName });
      },
      onRetry: (info) => logger.warn('retrying', { ...info, url: new URL(info.url).pathname }),
    });
    const totals = await runCohortSyncs(runtime.syncs, runtime.deps);
    count(metrics, 'CohortMembersAdded', totals.added);
    count(metrics, 'CohortMembersRemoved', totals.removed);
    count(metrics, 'CohortPersonsSkipped', totals.skipped);
    count(metrics, 'CohortSyncErrors', totals.errors);
    logger.info('cohort sync finished', { ...totals, syncs: totals.syncs.map(({ skippedByReason, ...s }) => s) });
    if (totals.errors > 0) {
      const failed = totals.syncs.filter((s) => s.errors.length > 0).map((s) => `${s.moengageCohortName}: ${s.errors.join('; ')}`);
      throw new CohortSyncFailedError(`${failed.length} cohort sync(s) failed: ${failed.join(' | ')}`);
    }
    return totals;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
});
