import { GetObjectCommand } from '@aws-sdk/client-s3';
import { loadCohortSyncConfig } from '#shared/cohort-sync/config';
import { createRuntime, type Runtime } from '#shared/cohort-sync/runtime';
import type { PooledTransport } from '#shared/lib/http-transport';
import { createNodeHttpTransport } from '#shared/lib/node-http-transport';
import { type RunTotals, runCohortSyncs, type SyncOptions } from '#shared/cohort-sync/sync';
import { createFakeClock, type FakeClock } from './clock.ts';
import { type FakeMoEngage, startFakeMoEngage } from '../../../local/cohort-sync-fakes/moengage.ts';
import { type FakePostHogApi, startFakePostHogApi } from '../../../local/cohort-sync-fakes/posthog-api.ts';
import { type LocalS3, startLocalS3 } from './s3.ts';

/** Fake PostHog API, fake MoEngage Cohort Sync API and fauxqs S3, all on 127.0.0.1, sharing one fake clock. */
export interface Harness {
  posthog: FakePostHogApi;
  moengage: FakeMoEngage;
  s3: LocalS3;
  clock: FakeClock;
  transport: PooledTransport;
  env(overrides?: Record<string, string>): Record<string, string>;
  runtime(overrides?: Record<string, string>): Promise<Runtime>;
  run(overrides?: Record<string, string>, options?: SyncOptions, tweak?: (runtime: Runtime) => void): Promise<RunTotals>;
  readState(key: string): Promise<{ members: string[]; completedAt?: string }>;
  close(): Promise<void>;
}

let prefixes = 0;

export async function startHarness(): Promise<Harness> {
  const clock = createFakeClock();
  const [posthog, moengage, s3] = await Promise.all([
    startFakePostHogApi({ now: clock.now }),
    startFakeMoEngage({ now: clock.now }),
    startLocalS3(),
  ]);
  const transport = createNodeHttpTransport({ connections: 4, keepAliveTimeoutMs: 1_000, connectTimeoutMs: 2_000 });
  const env = (overrides: Record<string, string> = {}) => ({
    POSTHOG_APP_HOST: posthog.url,
    COHORT_SYNCS: JSON.stringify([{ posthogProjectId: 1, cohortId: 7, moengageCohortName: 'Power users', mode: 'dynamic' }]),
    POSTHOG_PERSONAL_API_KEY: posthog.validKey,
    MOENGAGE_APP_ID: 'WORKSPACE1',
    MOENGAGE_API_KEY: 'data-api-key',
    MOENGAGE_DATA_CENTER: '1',
    MOENGAGE_BASE_URL: moengage.url,
    COHORT_SYNC_STATE_BUCKET: s3.bucket,
    COHORT_SYNC_STATE_PREFIX: `run-${++prefixes}/`,
    POSTHOG_PAGE_SIZE: '100',
    COHORT_SYNC_TIMEOUT_MS: '5000',
    ...overrides,
  });
  const runtime = (overrides: Record<string, string> = {}) =>
    createRuntime(loadCohortSyncConfig(env(overrides)), {
      send: transport.send,
      s3: s3.client,
      readSecret: async () => {
        throw new Error('no secret in this test');
      },
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0.5,
      userAgent: 'cohort-sync-test/1',
    });
  return {
    posthog,
    moengage,
    s3,
    clock,
    transport,
    env,
    runtime,
    run: async (overrides = {}, options = {}, tweak) => {
      const rt = await runtime(overrides);
      tweak?.(rt);
      return runCohortSyncs(rt.syncs, rt.deps, options);
    },
    readState: async (key) => {
      const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
      return JSON.parse((await object.Body?.transformToString()) ?? '{}');
    },
    close: async () => {
      await Promise.all([posthog.close(), moengage.close(), s3.close()]);
      await transport.close();
    },
  };
}
