import type { S3Client } from '@aws-sdk/client-s3';
import type { Dispatcher } from 'undici';
import type { RetryPolicy } from '../lib/retry-policy.ts';
import { type CohortSync, type CohortSyncConfig, CohortSyncConfigError, type Credentials, parseSecret } from './config.ts';
import { moengageBaseUrl } from './hosts.ts';
import type { HttpDeps } from './http.ts';
import { postCohortSync } from './moengage-cohort-api.ts';
import { getCohort, readCohortPersons } from './posthog-cohort-reader.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { createFileStateStore, createS3StateStore, type StateStore } from './state-store.ts';
import type { ProgressEvent, SyncDeps } from './sync.ts';

/** Retries for PostHog and MoEngage: 429/5xx/network, backoff with jitter from 1 s up to 30 s, Retry-After honoured. */
export const COHORT_SYNC_RETRY: RetryPolicy = { attempts: 6, baseMs: 1_000, capMs: 30_000 };

export interface RuntimeDeps {
  dispatcher: Dispatcher;
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
  if ('dir' in config.state) return createFileStateStore(config.state.dir);
  if (s3 === undefined) throw new CohortSyncConfigError('an S3 client is required for COHORT_SYNC_STATE_BUCKET');
  return createS3StateStore(s3, config.state.bucket, config.state.prefix);
}

/** Resolves credentials and syncs (reading the secret when configured) and wires the clients with their limiters. */
export async function createRuntime(config: CohortSyncConfig, deps: RuntimeDeps): Promise<Runtime> {
  let credentials: Credentials;
  let syncs = config.syncs;
  if ('values' in config.credentials) {
    credentials = config.credentials.values;
  } else {
    const secret = parseSecret(
      await deps.readSecret(config.credentials.secret, config.secretsMaxAgeSeconds),
      `secret ${config.credentials.secret}`,
    );
    const { syncs: fromSecret, ...rest } = secret;
    credentials = rest;
    syncs ??= fromSecret;
  }
  if (syncs === undefined)
    throw new CohortSyncConfigError('invalid configuration: no syncs (set COHORT_SYNCS or a "syncs" list in the secret)');

  const http = (limit: number): HttpDeps => ({
    dispatcher: deps.dispatcher,
    timeoutMs: config.timeoutMs,
    retry: deps.retry ?? COHORT_SYNC_RETRY,
    limiter: createRateLimiter({ limit, windowMs: 60_000, now: deps.now, sleep: deps.sleep }),
    now: deps.now,
    sleep: deps.sleep,
    random: deps.random,
    userAgent: deps.userAgent,
    ...(deps.onRetry ? { onRetry: deps.onRetry } : {}),
  });
  const posthog = {
    http: http(config.posthogRequestsPerMinute),
    baseUrl: config.posthogAppHost,
    personalApiKey: credentials.posthogPersonalApiKey,
    pageSize: config.pageSize,
  };
  const moengage = {
    http: http(config.moengageRequestsPerMinute),
    baseUrl: config.moengageBaseUrl ?? moengageBaseUrl(credentials.moengageDataCenter),
    credentials,
  };
  return {
    syncs,
    deps: {
      getCohort: (projectId, cohortId) => getCohort(posthog, projectId, cohortId),
      readPersons: (projectId, cohortId) => readCohortPersons(posthog, projectId, cohortId),
      send: (body) => postCohortSync(moengage, body),
      store: createStateStore(config, deps.s3),
      identity: config.identity,
      partner: config.partner,
      now: deps.now,
      ...(deps.deadline === undefined ? {} : { deadline: deps.deadline }),
      ...(deps.progress ? { progress: deps.progress } : {}),
    },
  };
}
