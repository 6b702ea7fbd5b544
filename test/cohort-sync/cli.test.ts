import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COHORT_SYNC_USAGE, runCohortSyncCommand } from '../../cli/cohort-sync.ts';
import { makePersons } from '../../local/cohort-sync-fakes/posthog-api.ts';
import { type Harness, startHarness } from './support/harness.ts';

describe('runCohortSyncCommand', () => {
  let h: Harness;
  let out: string[];
  let err: string[];
  const io = () => ({
    stdout: (text: string) => out.push(text),
    stderr: (text: string) => err.push(text),
    now: h.clock.now,
    sleep: h.clock.sleep,
    random: () => 0.5,
    dispatcher: h.dispatcher,
    s3: h.s3.client,
  });

  beforeEach(async () => {
    h = await startHarness();
    out = [];
    err = [];
  });
  afterEach(async () => {
    await h.close();
  });

  it('run --once shows progress and a summary of added, removed, skipped and errors', async () => {
    h.posthog.setCohort('1', '7', [
      ...makePersons(150, { withProperty: true }),
      { id: 'x', distinct_ids: ['anon'], properties: {}, is_identified: false },
    ]);

    const code = await runCohortSyncCommand(['run', '--once'], { env: h.env(), ...io() });

    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    expect(out.join('')).toBe(
      [
        'Power users ← PostHog project 1, cohort 7 (dynamic)',
        '  reading 151 persons through the persons endpoint',
        '  read page 1: 100 persons (100 members so far)',
        '  read page 2: 51 persons (150 members so far)',
        '  to add 150, to remove 0, skipped 1 without a MoEngage id',
        `  add_members 1/1: 150 members (${h.moengage.requests[0]?.bytes.toLocaleString('en-US')} bytes) accepted`,
        '  Power users: synced; members 150, accepted: added 150, removed 0, skipped 1 (not_identified 1), errors 0',
        'summary: accepted: added 150, removed 0, skipped 1, errors 0 (MoEngage processes accepted requests shortly after)',
        '',
      ].join('\n'),
    );
  });

  it('run --dry-run shows what would change and sends nothing', async () => {
    h.posthog.setCohort('1', '7', makePersons(3, { withProperty: true }));
    const code = await runCohortSyncCommand(['run', '--dry-run'], { env: h.env(), ...io() });
    expect(code).toBe(0);
    expect(out.join('')).toContain('  would add 3, would remove 0, skipped 0 without a MoEngage id\n');
    expect(out.join('')).toContain('summary: would add 3, would remove 0, skipped 0, errors 0\n');
    expect(h.moengage.requests).toHaveLength(0);
  });

  it('run --dry-run needs no MoEngage credentials and no state location, and saves nothing', async () => {
    h.posthog.setCohort('1', '7', makePersons(3, { withProperty: true }));
    const { MOENGAGE_APP_ID, MOENGAGE_API_KEY, MOENGAGE_DATA_CENTER, MOENGAGE_BASE_URL, COHORT_SYNC_STATE_BUCKET, ...env } = h.env();
    const { s3, ...noS3 } = io();
    const code = await runCohortSyncCommand(['run', '--dry-run'], { env, ...noS3 });
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    expect(out.join('')).toContain('summary: would add 3, would remove 0, skipped 0, errors 0\n');
    expect(h.moengage.requests).toHaveLength(0);
  });

  it('reports every missing setting at once, and only those a dry run needs in a dry run', async () => {
    const env = { POSTHOG_APP_HOST: 'eu' };
    expect(await runCohortSyncCommand(['run', '--once'], { env, ...io() })).toBe(2);
    expect(err.join('')).toMatch(/COHORT_SYNCS is required.*POSTHOG_PERSONAL_API_KEY, MOENGAGE_APP_ID.*COHORT_SYNC_STATE_BUCKET/);
    err = [];
    expect(await runCohortSyncCommand(['run', '--dry-run'], { env, ...io() })).toBe(2);
    expect(err.join('')).toBe(
      'cohort-sync: invalid configuration: COHORT_SYNCS is required (a JSON list of syncs); COHORT_SYNC_SECRET (a Secrets Manager secret) or POSTHOG_PERSONAL_API_KEY are required\n',
    );
  });

  it('exits 1 and prints the error when a sync fails, with retries shown as they happen', async () => {
    h.posthog.setCohort('1', '7', makePersons(3, { withProperty: true }));
    h.moengage.intercept(() => ({ status: 500 }));
    const code = await runCohortSyncCommand(['run', '--once'], { env: h.env(), ...io() });
    expect(code).toBe(1);
    const text = out.join('');
    expect(text).toMatch(/ {2}retry 1: 500 from 127\.0\.0\.1:\d+, waiting 1 s\n/);
    expect(text).toMatch(/ {2}error: MoEngage add_members \(request 1 of 1\): HTTP 500/);
    expect(text).toContain('summary: accepted: added 0, removed 0, skipped 0, errors 1\n');
  });

  it('without --once repeats a pass every 15 minutes until stopped', async () => {
    h.posthog.setCohort('1', '7', makePersons(2, { withProperty: true }));
    const stop = new AbortController();
    let passes = 0;
    const code = await runCohortSyncCommand(['run'], {
      env: h.env(),
      ...io(),
      signal: stop.signal,
      sleep: async (ms) => {
        await h.clock.sleep(ms);
        if (ms === 15 * 60_000 && ++passes === 2) stop.abort();
      },
    });
    expect(code).toBe(0);
    expect(out.filter((line) => line.startsWith('pass '))).toHaveLength(2);
    expect(out.filter((line) => line.startsWith('next pass in 15 min'))).toHaveLength(2);
    expect(h.moengage.accepted()).toHaveLength(1);
  });

  it('keeps state in a local directory when COHORT_SYNC_STATE_DIR is set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cohort-sync-'));
    try {
      h.posthog.setCohort('1', '7', makePersons(4, { withProperty: true }));
      const { COHORT_SYNC_STATE_BUCKET, ...env } = h.env({ COHORT_SYNC_STATE_DIR: dir });
      expect(await runCohortSyncCommand(['run', '--once'], { env, ...io() })).toBe(0);
      // The sync's state and the hourly PostHog budget shared by every sync.
      expect(await readdir(dir)).toEqual(['_budget.json', expect.stringMatching(/^posthog-1-7-[0-9a-f]{10}\.json$/)]);
      expect(await runCohortSyncCommand(['run', '--once'], { env, ...io() })).toBe(0);
      expect(out.join('')).toContain('skipped: unchanged since it was read at');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [[], /missing command "run"/],
    [['sync'], /unknown command "sync"/],
    [['run', '--fast'], /unknown option "--fast"/],
  ])('refuses %j with usage and exit code 2', async (argv, message) => {
    expect(await runCohortSyncCommand(argv, { env: h.env(), ...io() })).toBe(2);
    expect(err.join('')).toMatch(message);
    expect(err.join('')).toContain(COHORT_SYNC_USAGE);
  });

  it('explains a configuration error and exits 2', async () => {
    expect(await runCohortSyncCommand(['run', '--once'], { env: h.env({ MOENGAGE_DATA_CENTER: '9' }), ...io() })).toBe(2);
    expect(err.join('')).toMatch(/MOENGAGE_DATA_CENTER must be a MoEngage data centre: 1–6 or 101/);
  });

  it('prints usage for --help', async () => {
    expect(await runCohortSyncCommand(['--help'], { env: {}, ...io() })).toBe(0);
    expect(out.join('')).toBe(`${COHORT_SYNC_USAGE}\n`);
  });
});
