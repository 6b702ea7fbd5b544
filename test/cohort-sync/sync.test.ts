import { cohortSyncBody } from '#shared/cohort-sync/moengage-cohort-api';
import { syncIdOf } from '#shared/cohort-sync/plan';
import type { Runtime } from '#shared/cohort-sync/runtime';
import { makePersons } from '../../local/cohort-sync-fakes/posthog-api.ts';
import { type Harness, startHarness } from './support/harness.ts';

const SYNC = { posthogProjectId: '1', cohortId: '7', moengageCohortName: 'Power users' };
const COHORT_ID = syncIdOf(SYNC);
const moeIds = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `moe-${String(from + i).padStart(5, '0')}`);
const sorted = (set: Iterable<string>) => [...set].sort();
/** How many times each uid was added by an accepted request. */
const addCounts = (h: Harness) => {
  const counts = new Map<string, number>();
  for (const r of h.moengage.accepted()) {
    if (r.body.action !== 'add_members') continue;
    for (const { uid } of r.body.parameters.members) counts.set(uid, (counts.get(uid) ?? 0) + 1);
  }
  return counts;
};

describe('cohort sync against fake PostHog and MoEngage APIs with state in S3 (fauxqs)', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('first sync: reads every page and adds every member in one request, then records the membership in S3', async () => {
    h.posthog.setCohort('1', '7', makePersons(250, { withProperty: true }));
    const env = h.env();
    const totals = await h.run(env);

    expect(totals.syncs[0]).toMatchObject({ status: 'synced', members: 250, added: 250, removed: 0, skipped: 0, requests: 1, errors: [] });
    expect(sorted(h.moengage.segment(COHORT_ID))).toEqual(moeIds(1, 250));
    const [request] = h.moengage.accepted();
    expect(request?.headers['moe-appkey']).toBe('WORKSPACE1');
    expect(request?.body).toMatchObject({
      action: 'add_members',
      partner: 'posthog',
      parameters: { cohort_name: 'Power users', cohort_id: COHORT_ID },
    });
    const pages = h.posthog.requests.filter((r) => r.path.endsWith('/persons/'));
    expect(pages.map((r) => r.query.get('offset'))).toEqual(['0', '100', '200']);
    expect(h.posthog.requests.every((r) => r.headers.authorization === `Bearer ${h.posthog.validKey}`)).toBe(true);
    const state = await h.readState(`${env.COHORT_SYNC_STATE_PREFIX}${COHORT_ID}.json`);
    expect(state.members).toEqual(moeIds(1, 250));
    expect(state.completedAt).toBe(new Date(h.clock.now()).toISOString());
  });

  it('incremental sync: adds newcomers and removes leavers only, from the membership saved in S3', async () => {
    const env = h.env();
    h.posthog.setCohort('1', '7', makePersons(200, { withProperty: true }));
    await h.run(env);
    h.posthog.setCohort('1', '7', makePersons(200, { from: 51, withProperty: true }));
    const before = h.moengage.accepted().length;

    const totals = await h.run(env);

    expect(totals.syncs[0]).toMatchObject({ status: 'synced', members: 200, added: 50, removed: 50, requests: 2 });
    const [add, remove] = h.moengage.accepted().slice(before);
    expect(add?.body.action).toBe('add_members');
    expect(add?.body.parameters.members.map((m) => m.uid)).toEqual(moeIds(201, 250));
    expect(remove?.body.action).toBe('remove_members');
    expect(remove?.body.parameters.members.map((m) => m.uid)).toEqual(moeIds(1, 50));
    expect(sorted(h.moengage.segment(COHORT_ID))).toEqual(moeIds(51, 250));

    // A third run with no change sends nothing, and reads only the cohort (not its persons): it did not change.
    const after = h.moengage.requests.length;
    const reads = h.posthog.requests.length;
    expect((await h.run(env)).syncs[0]).toMatchObject({ status: 'skipped', added: 0, removed: 0, requests: 0 });
    expect(h.moengage.requests.length).toBe(after);
    expect(h.posthog.requests.slice(reads).map((r) => r.path)).toEqual(['/api/projects/1/cohorts/7/']);
  });

  it('a 50,000-member cohort goes out in requests under 128 KB each, every member once', async () => {
    h.posthog.setCohort('1', '7', makePersons(50_000, { withProperty: true }));
    // Through the persons endpoint (the HogQL path has its own test).
    const totals = await h.run(h.env({ POSTHOG_PAGE_SIZE: '1000', COHORT_SYNC_QUERY_THRESHOLD: '100000' }));

    expect(totals.syncs[0]).toMatchObject({ status: 'synced', members: 50_000, added: 50_000, errors: [] });
    const accepted = h.moengage.accepted();
    expect(accepted.length).toBeGreaterThan(1);
    expect(accepted.length).toBe(totals.syncs[0]?.requests);
    expect(Math.max(...h.moengage.requests.map((r) => r.bytes))).toBeLessThanOrEqual(128_000);
    expect(h.moengage.requests.every((r) => r.status === 200)).toBe(true);
    expect(h.moengage.segment(COHORT_ID).size).toBe(50_000);
    expect([...addCounts(h).values()].every((n) => n === 1)).toBe(true);
    expect(h.posthog.requests.filter((r) => r.path.endsWith('/persons/'))).toHaveLength(51);
  }, 60_000);

  it('stays under 300 requests per minute (the fake refuses more with 429) without sleeping for real', async () => {
    h.posthog.setCohort('1', '7', makePersons(700, { withProperty: true }));
    const start = h.clock.now();
    // Tiny requests (one member each) so the run needs 700 of them.
    const totals = await h.run(h.env(), {}, (rt: Runtime) => {
      rt.deps.maxPayloadBytes = Buffer.byteLength(
        JSON.stringify(
          cohortSyncBody('add_members', { partner: 'posthog', cohortName: 'Power users', cohortId: COHORT_ID }, ['moe-00001']),
        ),
      );
    });

    expect(totals.syncs[0]).toMatchObject({ status: 'synced', added: 700, requests: 700 });
    expect(h.moengage.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(h.clock.now() - start).toBeGreaterThanOrEqual(2 * 60_000);
  });

  it('retries 429 and 5xx from both APIs, honouring Retry-After', async () => {
    h.posthog.setCohort('1', '7', makePersons(150, { withProperty: true }));
    h.posthog.intercept((request, index) => {
      if (request.path.endsWith('/persons/') && index === 1) return { status: 429, headers: { 'retry-after': '3' } };
      if (index === 3) return { status: 503 };
      return undefined;
    });
    h.moengage.intercept((_request, index) => (index < 2 ? { status: 429, headers: { 'retry-after': '7' } } : undefined));

    const totals = await h.run();

    expect(totals.syncs[0]).toMatchObject({ status: 'synced', added: 150, errors: [] });
    expect(h.moengage.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(h.clock.sleeps.filter((ms) => ms === 7000)).toHaveLength(2);
    expect(h.clock.sleeps).toContain(3000);
    expect(sorted(h.moengage.segment(COHORT_ID))).toEqual(moeIds(1, 150));
  });

  it('interrupted half-way, a re-run converges to the cohort without adding anyone twice', async () => {
    const env = h.env();
    h.posthog.setCohort('1', '7', makePersons(1000, { withProperty: true }));
    // MoEngage goes away after three accepted requests: every later attempt loses its connection.
    h.moengage.intercept((_request, index) => (index >= 3 ? { status: 0, destroy: true } : undefined));
    const shrink = (rt: Runtime) => {
      rt.deps.maxPayloadBytes = 2_000;
    };

    const first = await h.run(env, {}, shrink);

    expect(first.syncs[0]?.status).toBe('failed');
    expect(first.syncs[0]?.errors[0]).toMatch(/MoEngage add_members \(request 4 of \d+\)/);
    const saved = await h.readState(`${env.COHORT_SYNC_STATE_PREFIX}${COHORT_ID}.json`);
    expect(saved.members).toEqual(sorted(h.moengage.segment(COHORT_ID)));
    expect(saved.members.length).toBe(first.syncs[0]?.added);
    expect(saved.completedAt).toBeUndefined();

    h.moengage.intercept(undefined);
    const second = await h.run(env, {}, shrink);

    expect(second.syncs[0]).toMatchObject({ status: 'synced', errors: [] });
    expect((first.syncs[0]?.added ?? 0) + (second.syncs[0]?.added ?? 0)).toBe(1000);
    expect(sorted(h.moengage.segment(COHORT_ID))).toEqual(moeIds(1, 1000));
    expect([...addCounts(h).values()].every((n) => n === 1)).toBe(true);
  });

  it('a run that reaches its deadline stops cleanly and the next run finishes the job', async () => {
    const env = h.env();
    h.posthog.setCohort('1', '7', makePersons(300, { withProperty: true }));
    const first = await h.run(env, {}, (rt) => {
      rt.deps.maxPayloadBytes = 1_000;
      rt.deps.deadline = h.clock.now(); // already reached: reads, plans, sends nothing
    });
    expect(first.syncs[0]).toMatchObject({ status: 'incomplete', added: 0 });
    const second = await h.run(env, {}, (rt) => {
      rt.deps.maxPayloadBytes = 1_000;
    });
    expect(second.syncs[0]).toMatchObject({ status: 'synced', added: 300 });
    expect(h.moengage.segment(COHORT_ID).size).toBe(300);
  });

  it('persons without a usable id are counted by reason and not sent', async () => {
    h.posthog.setCohort('1', '7', [
      { id: 'a', distinct_ids: ['user-a'], properties: { $moengage_user_id: 'moe-a' }, is_identified: true },
      { id: 'b', distinct_ids: ['user-b'], properties: {}, is_identified: true },
      { id: 'c', distinct_ids: ['01932f5e-8a4b-7c3d-9e5f-1a2b3c4d5e6f'], properties: {}, is_identified: true },
      { id: 'd', distinct_ids: ['anon-d'], properties: {}, is_identified: false },
      { id: 'e', distinct_ids: [], properties: { $moengage_user_id: '' } },
      { id: 'f', distinct_ids: ['user-f'], properties: { $moengage_user_id: 'moe-a' }, is_identified: true },
    ]);

    const totals = await h.run();

    expect(totals.syncs[0]).toMatchObject({
      status: 'synced',
      members: 2,
      added: 2,
      skipped: 3,
      skippedByReason: { anonymous: 1, not_identified: 1, no_id: 1 },
    });
    expect(sorted(h.moengage.segment(COHORT_ID))).toEqual(['moe-a', 'user-b']);
    expect(totals.skipped).toBe(3);
  });

  it('a one-time export runs once; a dry run sends and saves nothing', async () => {
    const env = h.env({ COHORT_SYNCS: JSON.stringify([{ ...SYNC, mode: 'once' }]) });
    h.posthog.setCohort('1', '7', makePersons(10, { withProperty: true }));

    const dry = await h.run(env, { dryRun: true });
    expect(dry.syncs[0]).toMatchObject({ status: 'dry_run', added: 10, removed: 0 });
    expect(h.moengage.requests).toHaveLength(0);

    expect((await h.run(env)).syncs[0]).toMatchObject({ status: 'synced', added: 10 });
    h.posthog.setCohort('1', '7', makePersons(20, { withProperty: true }));
    const again = await h.run(env);
    expect(again.syncs[0]?.status).toBe('skipped');
    expect(again.syncs[0]?.message).toMatch(/one-time export already completed at/);
    expect(h.moengage.segment(COHORT_ID).size).toBe(10);
  });

  it('waits while PostHog recalculates the cohort and reports a deleted cohort or a refused key', async () => {
    h.posthog.setCohort('1', '7', makePersons(5), { is_calculating: true });
    expect((await h.run()).syncs[0]).toMatchObject({ status: 'skipped', message: expect.stringMatching(/recalculating/) });

    h.posthog.setCohort('1', '7', makePersons(5), { deleted: true });
    expect((await h.run()).syncs[0]?.errors[0]).toMatch(/cohort 7 is deleted/);

    h.posthog.setCohort('1', '7', makePersons(5));
    const refused = await h.run({ POSTHOG_PERSONAL_API_KEY: 'phx_wrong' });
    expect(refused.syncs[0]?.errors[0]).toMatch(/PostHog refused the personal API key \(401\)/);
    expect(refused.errors).toBe(1);
    expect(h.moengage.requests).toHaveLength(0);
  });

  it('reports MoEngage refusing the credentials without retrying', async () => {
    h.posthog.setCohort('1', '7', makePersons(5, { withProperty: true }));
    const totals = await h.run({ MOENGAGE_API_KEY: 'wrong' });
    expect(totals.syncs[0]?.errors[0]).toMatch(/MoEngage refused the credentials \(401/);
    expect(h.moengage.requests).toHaveLength(1);
  });
});
