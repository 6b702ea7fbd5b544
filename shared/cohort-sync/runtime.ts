import type { S3Client } from '@aws-sdk/client-s3';
import type { HttpTransport, PoolOptions } from '../lib/http-transport.ts';
import type { RetryPolicy } from '../lib/retry-policy.ts';
import { type CohortSync, type CohortSyncConfig, CohortSyncConfigError, parseSecret } from './config.ts';
import { moengageBaseUrl } from './hosts.ts';
import { type HttpDeps, MAX_WAIT_MS } from './http.ts';
import { postCohortSync } from './moengage-cohort-api.ts';
import { getCohort, readCohortPersons } from './posthog-cohort-reader.ts';
import { queryCohortPersons } from './posthog-query-reader.ts';
import { createRateLimiter, type RateLimiter, type RateWindow } from './rate-limiter.ts';
import type { MoEngageCredentials } from './schemas.ts';
import { createEmptyStateStore, createFileStateStore, createS3StateStore, type StateStore } from './state-store.ts';
import type { ProgressEvent, SyncDeps } from './sync.ts';

/** Retries for PostHog and MoEngage: 429/5xx/network, backoff with jitter from 1 s up to 30 s, Retry-After honoured. */
export const COHORT_SYNC_RETRY: RetryPolicy = { attempts: 6, baseMs: 1_000, capMs: 30_000 };
/** The cohort sync's pool (functions/cohort-sync, cli/cohort-sync.ts): a few sockets, one sync at a time. */
export const COHORT_SYNC_POOL: PoolOptions = { connections: 4, keepAliveTimeoutMs: 30_000, connectTimeoutMs: 5_000 };
const MINUTE = 60_000;
const HOUR = 3_600_000;

export interface RuntimeDeps {
  send: HttpTransport;
  /** Required when the state lives in S3. */
  s3?: S3Client;
  /** Reads a Secrets Manager secret's string (only called when COHORT_SYNC_SECRET is set). */
  readSecret(name: string, maxAgeSeconds: number): Promise<string>;
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  userAgent: string;
  retry?: RetryPolicy;
  deadline?: number;
  progress?(event: ProgressEvent): void;
  onRetry?: HttpDeps['onRetry'];
}

export interface Runtime {
  syncs: CohortSync[];
  deps: SyncDeps;
}

export function createStateStore(config: CohortSyncConfig, s3: S3Client | undefined): StateStore {
  if (config.state === undefined) return createEmptyStateStore();
  if ('dir' in config.state) return createFileStateStore(config.state.dir);
  if (s3 === undefined) throw new CohortSyncConfigError('an S3 client is required for COHORT_SYNC_STATE_BUCKET');
  return createS3StateStore(s3, config.state.bucket, config.state.prefix);
}

/** The credentials and syncs, from the environment or the secret (whose MoEngage part a dry run does not need). */
async function resolveSecrets(config: CohortSyncConfig, deps: RuntimeDeps) {
  if (!('secret' in config.credentials)) return { ...config.credentials, syncs: config.syncs };
  const name = config.credentials.secret;
  const { syncs, posthogPersonalApiKey, moengageAppId, moengageApiKey, moengageDataCenter } = parseSecret(
    await deps.readSecret(name, config.secretsMaxAgeSeconds),
    `secret ${name}`,
    config.dryRun,
  );
  const moengage: MoEngageCredentials | undefined =
    moengageAppId && moengageApiKey && moengageDataCenter ? { moengageAppId, moengageApiKey, moengageDataCenter } : undefined;
  return { posthogPersonalApiKey, moengage, syncs: config.syncs ?? syncs };
}

/**
 * Resolves credentials and syncs and wires the clients with their limiters. PostHog's analytics endpoints (cohort,
 * persons) and its query API each have a per-minute limit and an hourly budget that holds across runs: the start
 * times of the last hour are loaded from the state and saved after every sync. A dry run sends nothing to MoEngage.
 */
export async function createRuntime(config: CohortSyncConfig, deps: RuntimeDeps): Promise<Runtime> {
  const { posthogPersonalApiKey, moengage, syncs } = await resolveSecrets(config, deps);
  if (syncs === undefined)
    throw new CohortSyncConfigError('invalid configuration: no syncs (set COHORT_SYNCS or a "syncs" list in the secret)');
  const store = createStateStore(config, deps.s3);
  const budget = await store.loadBudget();
  const limiter = (name: string, windows: RateWindow[], history: number[] = []) =>
    createRateLimiter({ name, windows, history, now: deps.now, sleep: deps.sleep, maxWaitMs: MAX_WAIT_MS });
  const http = (limiter: RateLimiter): HttpDeps => ({
    send: deps.send,
    timeoutMs: config.timeoutMs,
    retry: deps.retry ?? COHORT_SYNC_RETRY,
    limiter,
    now: deps.now,
    sleep: deps.sleep,
    random: deps.random,
    userAgent: deps.userAgent,
    ...(deps.onRetry ? { onRetry: deps.onRetry } : {}),
  });
  const { limits } = config;
  const analytics = limiter(
    'PostHog analytics API',
    [
      { limit: limits.posthogPerMinute, windowMs: MINUTE },
      { limit: limits.posthogPerHour, windowMs: HOUR },
    ],
    budget?.posthog,
  );
  const query = limiter(
    'PostHog query API',
    [
      { limit: limits.posthogPerMinute, windowMs: MINUTE },
      { limit: limits.queryPerHour, windowMs: HOUR },
    ],
    budget?.query,
  );
  const posthog = { baseUrl: config.posthogAppHost, personalApiKey: posthogPersonalApiKey, pageSize: config.pageSize };
  const persons = { ...posthog, http: http(analytics) };
  const hogql = { ...posthog, http: http(query), property: config.identity.property, queryPageSize: config.queryPageSize };
  const moengageClient =
    config.dryRun || moengage === undefined
      ? undefined
      : {
          http: http(limiter('MoEngage Cohort Sync API', [{ limit: limits.moengagePerMinute, windowMs: MINUTE }])),
          baseUrl: config.moengageBaseUrl ?? moengageBaseUrl(moengage.moengageDataCenter),
          credentials: moengage,
        };
  if (!config.dryRun && moengageClient === undefined)
    throw new CohortSyncConfigError('invalid configuration: MoEngage credentials are required');
  return {
    syncs,
    deps: {
      getCohort: (projectId, cohortId) => getCohort(persons, projectId, cohortId),
      readPath: (cohort) => ((cohort.count ?? 0) >= config.queryThreshold ? 'query' : 'persons'),
      readPersons: (projectId, cohortId, path) =>
        path === 'query' ? queryCohortPersons(hogql, projectId, cohortId) : readCohortPersons(persons, projectId, cohortId),
      send: moengageClient && ((body) => postCohortSync(moengageClient, body)),
      store,
      identity: config.identity,
      partner: config.partner,
      now: deps.now,
      fullReadHours: config.fullReadHours,
      ...(config.dryRun
        ? {}
        : { saveBudget: () => store.saveBudget({ version: 1, posthog: analytics.history(), query: query.history() }) }),
      ...(deps.deadline === undefined ? {} : { deadline: deps.deadline }),
      ...(deps.progress ? { progress: deps.progress } : {}),
    },
  };
}
