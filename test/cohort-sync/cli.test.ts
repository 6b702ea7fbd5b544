import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COHORT_SYNC_USAGE, runCohortSyncCommand } from '../../cli/cohort-sync.ts';
import { makePersons } from '../../local/cohort-sync-fakes/posthog-api.ts';
import { harness } from '../cli/harness.ts';
import { type Harness, startHarness } from './support/harness.ts';

/** The command as `npx moengage-posthog cohort-sync …` runs it (usage and configuration errors are exit code 2). */
async function cli(argv: string[], env: NodeJS.ProcessEnv) {
  const cli = harness({ env });
  try {
    return await cli.run(argv);
  } finally {
    cli.close();
  }
}

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
    send: h.transport.send,
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

    expect(code).toBe(0);
    // Progress on stderr, the summary (the data) on stdout.
    expect(err.join('')).toBe(
      [
        'Power users ← PostHog project 1, cohort 7 (dynamic)',
        '  reading 151 persons through the persons endpoint',
        '  read page 1: 100 persons (100 members so far)',
        '  read page 2: 51 persons (150 members so far)',
        '  to add 150, to remove 0, skipped 1 without a MoEngage id',
        `  add_members 1/1: 150 members (${h.moengage.requests[0]?.bytes.toLocaleString('en-US')} bytes) accepted`,
        '',
      ].join('\n'),
    );
    expect(out.join('')).toBe(
      [
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
    expect(err.join('')).toContain('  would add 3, would remove 0, skipped 0 without a MoEngage id\n');
    expect(out.join('')).toContain('summary: would add 3, would remove 0, skipped 0, errors 0\n');
    expect(h.moengage.requests).toHaveLength(0);
  });

  it('prints each pass as JSON with --format json (numbers as numbers)', async () => {
    h.posthog.setCohort('1', '7', makePersons(3, { withProperty: true }));
    expect(await runCohortSyncCommand(['run', '--dry-run', '--format', 'json'], { env: h.env(), ...io() })).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({
      dry_run: true,
      added: 3,
      removed: 0,
      skipped: 0,
      errors: 0,
      syncs: [{ moengageCohortName: 'Power users', added: 3, members: 3 }],
    });
  });

  it('takes the deployed secret and state bucket from the stack outputs with --stack', async () => {
    h.posthog.setCohort('1', '7', makePersons(3, { withProperty: true }));
    const { COHORT_SYNC_STATE_BUCKET, ...env } = h.env();
    const stacks: Record<string, Record<string, string>> = {
      'MoEngagePostHogForwarder-prod': {
        CohortSyncSecretName3F1E2D4C: 'cohort-secret',
        CohortSyncStateBucketName9A8B7C6D: String(COHORT_SYNC_STATE_BUCKET),
      },
    };
    const stackOutputs = async (stack: string) => {
      const outputs = stacks[stack];
      if (!outputs) throw new Error(`Stack with id ${stack} does not exist`);
      return outputs;
    };
    const read: string[] = [];
    const readSecret = async (name: string) => {
      read.push(name);
      throw new Error(`secret ${name} not reachable in this test`);
    };
    // The secret the stack names is the one read (and the missing one is reported as configuration, exit 2).
    const { POSTHOG_PERSONAL_API_KEY, MOENGAGE_APP_ID, MOENGAGE_API_KEY, MOENGAGE_DATA_CENTER, ...noCredentials } = env;
    await expect(
      runCohortSyncCommand(['run', '--once', '--stack', 'MoEngagePostHogForwarder-prod'], {
        env: noCredentials,
        ...io(),
        stackOutputs,
        readSecret,
      }),
    ).rejects.toThrow('cohort-secret');
    expect(read).toEqual(['cohort-secret']);
    await expect(runCohortSyncCommand(['run', '--once', '--stack', 'Other'], { env, ...io(), stackOutputs })).rejects.toThrow(
      'cannot read the outputs of stack Other',
    );
  });

  it('run --dry-run needs no MoEngage credentials and no state location, and saves nothing', async () => {
    h.posthog.setCohort('1', '7', makePersons(3, { withProperty: true }));
    const { MOENGAGE_APP_ID, MOENGAGE_API_KEY, MOENGAGE_DATA_CENTER, MOENGAGE_BASE_URL, COHORT_SYNC_STATE_BUCKET, ...env } = h.env();
    const { s3, ...noS3 } = io();
    const code = await runCohortSyncCommand(['run', '--dry-run'], { env, ...noS3 });
    expect(err.join('')).not.toContain('error');
    expect(code).toBe(0);
    expect(out.join('')).toContain('summary: would add 3, would remove 0, skipped 0, errors 0\n');
    expect(h.moengage.requests).toHaveLength(0);
  });

  it('reports every missing setting at once, and only those a dry run needs in a dry run', async () => {
    const env = { POSTHOG_APP_HOST: 'eu' };
    const once = await cli(['cohort-sync', 'run', '--once'], env);
    expect(once.code).toBe(2);
    expect(once.stderr).toMatch(/COHORT_SYNCS is required.*POSTHOG_PERSONAL_API_KEY, MOENGAGE_APP_ID.*COHORT_SYNC_STATE_BUCKET/);
    const dry = await cli(['cohort-sync', 'run', '--dry-run'], env);
    expect(dry).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'moengage-posthog cohort-sync: invalid configuration: COHORT_SYNCS is required (a JSON list of syncs); COHORT_SYNC_SECRET (a Secrets Manager secret) or POSTHOG_PERSONAL_API_KEY are required\n' +
        'Run "moengage-posthog cohort-sync --help" for usage.\n',
    });
  });

  it('exits 1 and prints the error when a sync fails, with retries shown as they happen', async () => {
    h.posthog.setCohort('1', '7', makePersons(3, { withProperty: true }));
    h.moengage.intercept(() => ({ status: 500 }));
    const code = await runCohortSyncCommand(['run', '--once'], { env: h.env(), ...io() });
    expect(code).toBe(1);
    const text = err.join('') + out.join('');
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
    expect(err.filter((line) => line.startsWith('pass '))).toHaveLength(2);
    expect(err.filter((line) => line.startsWith('next pass in 15 min'))).toHaveLength(2);
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
      expect(err.join('')).toContain('skipped: unchanged since it was read at');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [[], /missing action: run/],
    [['sync'], /unknown cohort-sync action "sync": use run/],
    [['run', '--fast'], /Unknown option '--fast'/],
  ])('refuses %j with a pointer to --help and exit code 2', async (argv, message) => {
    const result = await cli(['cohort-sync', ...argv], h.env());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Run "moengage-posthog cohort-sync --help" for usage.');
  });

  it('explains a configuration error and exits 2', async () => {
    const result = await cli(['cohort-sync', 'run', '--once'], h.env({ MOENGAGE_DATA_CENTER: '9' }));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/MOENGAGE_DATA_CENTER must be a MoEngage data centre: 1–6 or 101/);
  });

  it('prints usage for --help', async () => {
    expect(await cli(['cohort-sync', '--help'], {})).toEqual({ code: 0, stdout: COHORT_SYNC_USAGE, stderr: '' });
  });
});
