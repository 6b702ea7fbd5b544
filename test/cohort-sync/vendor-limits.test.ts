import { cohortSyncBody } from '#shared/cohort-sync/moengage-cohort-api';
import { syncIdOf } from '#shared/cohort-sync/plan';
import { type FakePerson, makePersons } from '../../local/cohort-sync-fakes/posthog-api.ts';
import { type Harness, startHarness } from './support/harness.ts';

const COHORT_ID = syncIdOf({ posthogProjectId: '1', cohortId: '7', moengageCohortName: 'Power users' });
const MINUTE = 60_000;
const HOUR = 3_600_000;
const maxInAnyWindow = (times: number[], windowMs: number) =>
  Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));

describe('cohort sync within the vendors documented limits (fakes on 127.0.0.1, one fake clock)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('waits for x-ratelimit-reset when MoEngage answers 429 (its window is shared with the workspace)', async () => {
    h.posthog.setCohort('1', '7', makePersons(5, { withProperty: true }));
    h.moengage.otherTraffic(300); // the workspace's other integrations used the whole minute
    const start = h.clock.now();
    const totals = await h.run();
    expect(totals.syncs[0]).toMatchObject({ status: 'synced', added: 5 });
    const [refused, accepted] = h.moengage.requests;
    expect(refused?.status).toBe(429);
    expect(accepted?.status).toBe(200);
    // Retried only once the window had reset: 60 s after the other traffic, not after a 1 s backoff.
    expect((accepted?.at ?? 0) - start).toBeGreaterThanOrEqual(MINUTE);
    expect(h.moengage.requests).toHaveLength(2);
  });

  it('keeps MoEngage requests at the configured 200/min by default, leaving headroom under the shared 300', async () => {
    h.posthog.setCohort('1', '7', makePersons(450, { withProperty: true }));
    const totals = await h.run({}, {}, (rt) => {
      // One member per request, so the run needs 450 requests.
      const one = cohortSyncBody('add_members', { partner: 'posthog', cohortName: 'Power users', cohortId: COHORT_ID }, ['moe-00001']);
      rt.deps.maxPayloadBytes = Buffer.byteLength(JSON.stringify(one));
    });
    expect(totals.syncs[0]).toMatchObject({ status: 'synced', added: 450 });
    expect(
      maxInAnyWindow(
        h.moengage.requests.map((r) => r.at),
        MINUTE,
      ),
    ).toBe(200);
    expect(h.moengage.requests.every((r) => r.status === 200)).toBe(true);
  });

  it('spends PostHog’s hourly budget across runs: a run stops when it is spent and a later run continues', async () => {
    const env = h.env({ POSTHOG_REQUESTS_PER_HOUR: '20', POSTHOG_PAGE_SIZE: '10' });
    h.posthog.setCohort('1', '7', makePersons(150, { withProperty: true }));
    expect((await h.run(env)).syncs[0]).toMatchObject({ status: 'synced', added: 150 }); // 1 cohort + 16 pages = 17
    h.posthog.setCohort('1', '7', makePersons(150, { from: 2, withProperty: true })); // recalculated: read again
    const second = (await h.run(env)).syncs[0];
    expect(second).toMatchObject({ status: 'incomplete', added: 0 });
    expect(second?.message).toMatch(/PostHog analytics API budget of 20 per 60 min is spent until .*; the next run continues/);
    expect(h.posthog.requests).toHaveLength(20); // never more than the budget, across both runs
    h.clock.advance(HOUR);
    expect((await h.run(env)).syncs[0]).toMatchObject({ status: 'synced', added: 1, removed: 1 });
    expect(h.posthog.requests.every((r) => r.headers.authorization !== undefined)).toBe(true);
    const budget = await h.readState(`${env.COHORT_SYNC_STATE_PREFIX}_budget.json`);
    expect(budget).toMatchObject({ version: 1, posthog: expect.any(Array), query: [] });
  });

  it('reads a large cohort through the HogQL query API with keyset pages, never the persons endpoint', async () => {
    h.posthog.setCohort('1', '7', makePersons(250, { withProperty: true }));
    const totals = await h.run(h.env({ COHORT_SYNC_QUERY_THRESHOLD: '200', POSTHOG_QUERY_PAGE_SIZE: '100' }));
    expect(totals.syncs[0]).toMatchObject({ status: 'synced', members: 250, added: 250 });
    const queries = h.posthog.requests.filter((r) => r.path === '/api/projects/1/query/');
    const cursors = queries.map((r) => /toString\(person_id\) > '([^']+)'/.exec(JSON.parse(r.body).query.query)?.[1]);
    expect(cursors).toEqual([undefined, '018f0000-0000-7000-8000-000000000100', '018f0000-0000-7000-8000-000000000200']);
    expect(h.posthog.requests.some((r) => r.path.endsWith('/persons/'))).toBe(false);
    expect(h.moengage.segment(COHORT_ID).size).toBe(250);
  });

  it('uses the persons endpoint below the threshold', async () => {
    h.posthog.setCohort('1', '7', makePersons(150, { withProperty: true }));
    await h.run(h.env({ COHORT_SYNC_QUERY_THRESHOLD: '151' }));
    expect(h.posthog.requests.map((r) => r.path).filter((p) => p.endsWith('/query/'))).toEqual([]);
  });

  it('picks the same fallback id on every run although PostHog returns at most 10 distinct ids, in varying order', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `member-${String.fromCharCode(108 - i)}`); // member-l … member-a
    const person: FakePerson = { id: '018f0000-0000-7000-8000-000000000001', distinct_ids: ids, properties: {}, is_identified: true };
    h.posthog.rotateDistinctIds = true;
    const env = h.env();
    const chosen: string[] = [];
    for (let run = 0; run < 5; run++) {
      h.posthog.setCohort('1', '7', [person]); // a recalculation each time, so every run reads the persons
      await h.run(env);
      chosen.push(...h.moengage.segment(COHORT_ID));
    }
    expect(new Set(chosen).size).toBe(1);
    expect(h.moengage.accepted().filter((r) => r.body.action === 'remove_members')).toEqual([]);
    // The HogQL path sees all 12 and takes the smallest.
    const large = await startHarness();
    try {
      large.posthog.setCohort('1', '7', [person]);
      await large.run(large.env({ COHORT_SYNC_QUERY_THRESHOLD: '0' }));
      expect([...large.moengage.segment(COHORT_ID)]).toEqual(['member-a']);
    } finally {
      await large.close();
    }
  });
});
