import { loadCohortSyncConfig, parseSecret, parseSyncs } from '#shared/cohort-sync/config';
import { moengageBaseUrl, resolvePostHogAppHost } from '#shared/cohort-sync/hosts';

const base = {
  POSTHOG_APP_HOST: 'eu',
  COHORT_SYNCS: '[{"posthogProjectId":12345,"cohortId":"42","moengageCohortName":"Power users","mode":"dynamic"}]',
  POSTHOG_PERSONAL_API_KEY: 'phx_abc',
  MOENGAGE_APP_ID: 'WS1',
  MOENGAGE_API_KEY: 'key',
  MOENGAGE_DATA_CENTER: '02',
  COHORT_SYNC_STATE_BUCKET: 'bucket',
};

describe('loadCohortSyncConfig', () => {
  it('reads syncs, credentials and defaults from the environment', () => {
    const config = loadCohortSyncConfig(base);
    expect(config.posthogAppHost).toBe('https://eu.posthog.com');
    expect(config.syncs).toEqual([{ posthogProjectId: '12345', cohortId: '42', moengageCohortName: 'Power users', mode: 'dynamic' }]);
    expect(config.credentials).toEqual({
      posthogPersonalApiKey: 'phx_abc',
      moengage: { moengageAppId: 'WS1', moengageApiKey: 'key', moengageDataCenter: '2' },
    });
    expect(config.identity).toEqual({ property: '$moengage_user_id', fallback: 'distinct_id' });
    expect(config.state).toEqual({ bucket: 'bucket', prefix: 'cohort-sync/' });
    expect(config.pageSize).toBe(1000);
    // Headroom under MoEngage's 300/min, which the whole workspace shares; PostHog's hourly 1,200 likewise.
    expect(config.limits).toEqual({ posthogPerMinute: 240, posthogPerHour: 1000, queryPerHour: 100, moengagePerMinute: 200 });
    expect(config.queryThreshold).toBe(10_000);
    expect(config.dryRun).toBe(false);
    expect(config.partner).toBe('posthog');
  });

  it('takes credentials (and syncs) from a secret when only COHORT_SYNC_SECRET is set', () => {
    const { POSTHOG_PERSONAL_API_KEY, MOENGAGE_APP_ID, MOENGAGE_API_KEY, MOENGAGE_DATA_CENTER, COHORT_SYNCS, ...rest } = base;
    const config = loadCohortSyncConfig({ ...rest, COHORT_SYNC_SECRET: 'arn:secret' });
    expect(config.credentials).toEqual({ secret: 'arn:secret' });
    expect(config.syncs).toBeUndefined();
  });

  it.each([
    [{ POSTHOG_APP_HOST: undefined }, /POSTHOG_APP_HOST is required/],
    [{ POSTHOG_APP_HOST: 'https://us.i.posthog.com' }, /ingestion host; the API needs the app host \(us\.posthog\.com\)/],
    [{ POSTHOG_PERSONAL_API_KEY: 'phc_project' }, /POSTHOG_PERSONAL_API_KEY must be a PostHog personal API key/],
    [{ MOENGAGE_DATA_CENTER: '7' }, /MOENGAGE_DATA_CENTER must be a MoEngage data centre: 1–6 or 101/],
    [{ COHORT_SYNCS: 'not json' }, /COHORT_SYNCS is not valid JSON/],
    [
      { COHORT_SYNCS: '[{"posthogProjectId":1,"cohortId":2,"moengageCohortName":"a:b","mode":"dynamic"}]' },
      /COHORT_SYNCS\.0\.moengageCohortName must not contain/,
    ],
    [{ COHORT_SYNCS: '[{"posthogProjectId":1,"cohortId":2,"moengageCohortName":"x","mode":"hourly"}]' }, /COHORT_SYNCS\.0\.mode/],
    [{ COHORT_SYNC_STATE_BUCKET: undefined }, /COHORT_SYNC_STATE_BUCKET \(S3\) or COHORT_SYNC_STATE_DIR \(local\) is required/],
    [{ POSTHOG_PAGE_SIZE: '0' }, /POSTHOG_PAGE_SIZE/],
    [{ MOENGAGE_REQUESTS_PER_MINUTE: '301' }, /MOENGAGE_REQUESTS_PER_MINUTE/],
  ])('refuses %j with a message naming the variable', (override, message) => {
    expect(() => loadCohortSyncConfig({ ...base, ...override })).toThrow(message);
  });

  it('requires credentials from somewhere', () => {
    const { POSTHOG_PERSONAL_API_KEY, MOENGAGE_APP_ID, MOENGAGE_API_KEY, MOENGAGE_DATA_CENTER, ...rest } = base;
    expect(() => loadCohortSyncConfig(rest)).toThrow(/COHORT_SYNC_SECRET \(a Secrets Manager secret\) or POSTHOG_PERSONAL_API_KEY/);
  });

  it('reports every missing or bad setting in one message, not one group at a time', () => {
    const env = { POSTHOG_APP_HOST: 'https://us.i.posthog.com', POSTHOG_PAGE_SIZE: '0', MOENGAGE_DATA_CENTER: '7' };
    expect(() => loadCohortSyncConfig(env)).toThrow(
      'invalid configuration: POSTHOG_APP_HOST us.i.posthog.com is the ingestion host; the API needs the app host (us.posthog.com); ' +
        'POSTHOG_PAGE_SIZE Too small: expected number to be >=1; COHORT_SYNCS is required (a JSON list of syncs); ' +
        'POSTHOG_PERSONAL_API_KEY is required; MOENGAGE_APP_ID is required (MoEngage Workspace ID, formerly App ID); ' +
        'MOENGAGE_API_KEY is required (MoEngage Data API key); MOENGAGE_DATA_CENTER must be a MoEngage data centre: 1–6 or 101; ' +
        'COHORT_SYNC_STATE_BUCKET (S3) or COHORT_SYNC_STATE_DIR (local) is required',
    );
  });

  it('needs neither MoEngage credentials nor a state location for a dry run, and names only what a dry run needs', () => {
    const { MOENGAGE_APP_ID, MOENGAGE_API_KEY, MOENGAGE_DATA_CENTER, COHORT_SYNC_STATE_BUCKET, ...posthogOnly } = base;
    const config = loadCohortSyncConfig(posthogOnly, { dryRun: true });
    expect(config).toMatchObject({
      dryRun: true,
      state: undefined,
      credentials: { posthogPersonalApiKey: 'phx_abc', moengage: undefined },
    });
    expect(() => loadCohortSyncConfig(posthogOnly)).toThrow(/MOENGAGE_APP_ID is required.*COHORT_SYNC_STATE_BUCKET \(S3\)/);
    expect(() => loadCohortSyncConfig({ POSTHOG_APP_HOST: 'eu' }, { dryRun: true })).toThrow(
      'invalid configuration: COHORT_SYNCS is required (a JSON list of syncs); COHORT_SYNC_SECRET (a Secrets Manager secret) or POSTHOG_PERSONAL_API_KEY are required',
    );
  });
});

describe('parseSyncs', () => {
  const sync = (over: Record<string, unknown>) => ({ posthogProjectId: 1, cohortId: 2, moengageCohortName: 'A', mode: 'once', ...over });

  it.each([
    ['a name starting with a period', [sync({ moengageCohortName: '.hidden' })], /must not start with a period/],
    ['a non-numeric cohort id', [sync({ cohortId: 'abc' })], /cohortId must be a numeric cohort id/],
    ['an empty list', [], /must list at least one sync/],
    [
      'two syncs into one segment',
      [sync({}), sync({ cohortId: 3, moengageCohortName: 'a' })],
      /1\.moengageCohortName repeats sync 0's name/,
    ],
    ['one cohort twice', [sync({}), sync({ moengageCohortName: 'B' })], /1\.cohortId repeats sync 0's PostHog cohort/],
    ['MoEngage\'s reserved "All users"', [sync({ moengageCohortName: 'All users' })], /"All Users" is MoEngage's built-in segment/],
    ['"ALL USERS" in any casing', [sync({ moengageCohortName: ' ALL USERS ' })], /"All Users" is MoEngage's built-in segment/],
    ['parentheses', [sync({ moengageCohortName: 'Buyers (EU)' })], /must not contain parentheses/],
  ])('refuses %s', (_name, syncs, message) => {
    expect(() => parseSyncs(JSON.stringify(syncs), 'syncs')).toThrow(message);
  });
});

describe('parseSecret', () => {
  it('accepts the JSON secret with a data centre written as "DC-03" and optional syncs', () => {
    const secret = parseSecret(
      JSON.stringify({
        posthogPersonalApiKey: 'phx_1',
        moengageAppId: 'W',
        moengageApiKey: 'K',
        moengageDataCenter: 'DC-03',
        syncs: [{ posthogProjectId: 1, cohortId: 2, moengageCohortName: 'A', mode: 'once' }],
      }),
    );
    expect(secret.moengageDataCenter).toBe('3');
    expect(secret.syncs).toHaveLength(1);
  });

  it('names the missing field', () => {
    expect(() => parseSecret('{"posthogPersonalApiKey":"phx_1"}', 'secret S')).toThrow(/secret S\.moengageAppId/);
  });
});

describe('hosts', () => {
  it.each([
    ['us', 'https://us.posthog.com'],
    ['EU', 'https://eu.posthog.com'],
    ['https://posthog.example.com/', 'https://posthog.example.com'],
  ])('resolves the PostHog app host %s', (input, expected) => {
    expect(resolvePostHogAppHost(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['1', 'https://api-01.moengage.com'],
    ['6', 'https://api-06.moengage.com'],
    ['101', 'https://api-101.moengage.com'],
  ] as const)('builds the MoEngage API host for data centre %s', (dc, expected) => {
    expect(moengageBaseUrl(dc)).toBe(expected);
  });
});
