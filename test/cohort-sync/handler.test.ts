import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lambdaContext } from '../../local/lambda-context.ts';
import { logLines } from '../platform/log-lines.ts';
import { type FakeMoEngage, startFakeMoEngage } from '../../local/cohort-sync-fakes/moengage.ts';
import { type FakePostHogApi, makePersons, startFakePostHogApi } from '../../local/cohort-sync-fakes/posthog-api.ts';

describe('cohort-sync Lambda handler', () => {
  let posthog: FakePostHogApi;
  let moengage: FakeMoEngage;
  let dir: string;
  let handler: typeof import('../../functions/cohort-sync/handler.ts')['handler'];
  const context = () => lambdaContext('cohort-sync', 14 * 60_000);
  const saved = { ...process.env };

  beforeAll(async () => {
    [posthog, moengage] = await Promise.all([startFakePostHogApi(), startFakeMoEngage()]);
    dir = await mkdtemp(join(tmpdir(), 'cohort-sync-handler-'));
    Object.assign(process.env, {
      POSTHOG_APP_HOST: posthog.url,
      COHORT_SYNCS: JSON.stringify([{ posthogProjectId: 3, cohortId: 9, moengageCohortName: 'Churn risk', mode: 'dynamic' }]),
      POSTHOG_PERSONAL_API_KEY: posthog.validKey,
      MOENGAGE_APP_ID: 'WORKSPACE1',
      MOENGAGE_API_KEY: 'data-api-key',
      MOENGAGE_DATA_CENTER: '1',
      MOENGAGE_BASE_URL: moengage.url,
      COHORT_SYNC_STATE_DIR: dir,
      // As Lambda sets it for a container started by a request; test/support/env.ts silences logs, this file reads them.
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    ({ handler } = await import('../../functions/cohort-sync/handler.ts'));
  });
  afterAll(async () => {
    process.env = saved;
    await Promise.all([posthog.close(), moengage.close(), rm(dir, { recursive: true, force: true })]);
  });

  it('syncs every configured cohort and returns the totals', async () => {
    posthog.setCohort('3', '9', makePersons(12, { withProperty: true }));
    const invocation = context();
    let totals: unknown;
    const lines = await logLines(async () => {
      totals = await handler({}, invocation);
    });
    expect(totals).toMatchObject({ added: 12, removed: 0, skipped: 0, errors: 0 });
    expect(moengage.accepted()).toHaveLength(1);
    // Every log line of the invocation carries its Lambda context; this is the container's first (cold) start.
    const finished = lines.find((line) => line.message === 'cohort sync finished');
    expect(finished).toMatchObject({ function_request_id: invocation.awsRequestId, cold_start: true, function_name: 'cohort-sync' });
    expect(lines.every((line) => line.function_request_id === invocation.awsRequestId)).toBe(true);
  });

  it('throws when a sync fails, so the Lambda Errors alarm fires', async () => {
    posthog.setCohort('3', '9', makePersons(13, { withProperty: true }));
    moengage.intercept(() => ({ status: 400, body: '{"status":"fail","error":{"message":"bad"}}' }));
    await expect(handler({}, context())).rejects.toThrow(
      /1 cohort sync\(s\) failed: Churn risk: MoEngage add_members \(request 1 of 1\): HTTP 400/,
    );
  });
});
