import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCohortSyncCommand } from './cohort-sync.ts';
import { syncIdOf } from '../shared/cohort-sync/plan.ts';
import { startFakeMoEngage } from '../local/cohort-sync-fakes/moengage.ts';
import { type FakePerson, makePersons, startFakePostHogApi } from '../local/cohort-sync-fakes/posthog-api.ts';

const SYNC = { posthogProjectId: 1, cohortId: 42, moengageCohortName: 'PostHog - Power users', mode: 'dynamic' } as const;

/** 900 persons with `$moengage_user_id`, 60 identified without it (distinct-id fallback), 40 anonymous. */
function cohort(from: number): FakePerson[] {
  const withId = makePersons(900, { from, withProperty: true });
  const fallback = makePersons(60, { from: from + 900, prefix: 'customer' });
  const anonymous = makePersons(40, { from: from + 960 }).map((p) => ({ ...p, distinct_ids: [p.id], is_identified: false }));
  return [...withId, ...fallback, ...anonymous];
}

/**
 * `npm run demo:cohort-sync`: a cohort sync with no account. The fake PostHog API and fake MoEngage Cohort Sync API
 * the tests use listen on 127.0.0.1; the real `cohort-sync run` command syncs a 1,000-person cohort into a MoEngage
 * segment (dry run, first sync, a change, an unchanged run), keeping its state in a temporary directory.
 */
export async function runCohortSyncDemo(write: (text: string) => void): Promise<number> {
  const [posthog, moengage] = await Promise.all([startFakePostHogApi({ validKey: 'phx_demo_key' }), startFakeMoEngage()]);
  const stateDir = await mkdtemp(join(tmpdir(), 'cohort-sync-demo-'));
  const env = {
    POSTHOG_APP_HOST: posthog.url,
    POSTHOG_PERSONAL_API_KEY: posthog.validKey,
    COHORT_SYNCS: JSON.stringify([SYNC]),
    MOENGAGE_APP_ID: 'WORKSPACE1',
    MOENGAGE_API_KEY: 'data-api-key',
    MOENGAGE_DATA_CENTER: '1',
    MOENGAGE_BASE_URL: moengage.url,
    COHORT_SYNC_STATE_DIR: stateDir,
  };
  const segment = () => moengage.segment(syncIdOf({ ...SYNC, posthogProjectId: '1', cohortId: '42' })).size;
  const step = async (title: string, argv: string[]) => {
    write(`\n$ cohort-sync ${argv.join(' ')}    # ${title}\n`);
    const code = await runCohortSyncCommand(argv, { env, stdout: write, stderr: write });
    write(`(exit ${code}; the fake MoEngage segment holds ${segment().toLocaleString('en-US')} members)\n`);
    return code;
  };
  try {
    write(`Cohort sync demo: fake PostHog ${posthog.url}, fake MoEngage ${moengage.url} (127.0.0.1 only, no account)\n`);
    posthog.setCohort('1', '42', cohort(1));
    const codes = [await step('what would change, nothing sent', ['run', '--dry-run']), await step('first sync', ['run', '--once'])];
    posthog.setCohort('1', '42', cohort(101)); // PostHog recalculated the cohort: its window of persons moved by 100
    codes.push(await step('after PostHog recalculated the cohort', ['run', '--once']));
    codes.push(await step('nothing changed: skipped', ['run', '--once']));
    write(`\nMoEngage received ${moengage.requests.length} request(s), PostHog ${posthog.requests.length}.\n`);
    return codes.every((c) => c === 0) ? 0 : 1;
  } finally {
    await Promise.all([posthog.close(), moengage.close(), rm(stateDir, { recursive: true, force: true })]);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCohortSyncDemo((text) => process.stdout.write(text));
}
