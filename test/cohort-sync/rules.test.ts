import { parseRateLimitReset } from '#shared/cohort-sync/http';
import { cohortFingerprint, decideRead } from '#shared/cohort-sync/plan';
import { cohortMembersQuery } from '#shared/cohort-sync/posthog-query-reader';
import { BudgetExhaustedError, createRateLimiter } from '#shared/cohort-sync/rate-limiter';
import type { SyncState } from '#shared/cohort-sync/state-store';
import { createFakeClock } from './support/clock.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');

describe('parseRateLimitReset (MoEngage: UTC epoch seconds)', () => {
  it.each([
    ['45 s ahead', String(NOW / 1000 + 45), 45_000],
    ['already past', String(NOW / 1000 - 5), 0],
    ['a fraction of a second', String(NOW / 1000 + 0.5), 500],
    ['missing', undefined, undefined],
    ['not a number', 'soon', undefined],
  ])('%s', (_name, header, expected) => {
    expect(parseRateLimitReset(header, NOW)).toBe(expected);
  });
});

describe('decideRead: skip a cohort PostHog has not recalculated', () => {
  const identity = { property: '$moengage_user_id', fallback: 'distinct_id' as const };
  const cohort = { id: 7, version: 3, last_calculation: '2026-11-23T11:00:00Z', count: 10 };
  const fingerprint = cohortFingerprint(cohort, identity);
  const state = (over: Partial<SyncState> = {}): SyncState => ({
    version: 1,
    syncId: 's',
    moengageCohortId: 's',
    moengageCohortName: 'n',
    members: [],
    updatedAt: '2026-11-23T11:30:00Z',
    completedAt: '2026-11-23T11:30:00Z',
    cohort: { fingerprint: fingerprint ?? '', readAt: '2026-11-23T11:30:00Z' },
    ...over,
  });
  it.each([
    ['unchanged and read recently', state(), fingerprint, false],
    ['recalculated since', state(), cohortFingerprint({ ...cohort, version: 4 }, identity), true],
    ['the identity settings changed', state(), cohortFingerprint(cohort, { ...identity, fallback: 'none' }), true],
    ['the last run did not complete', state({ completedAt: undefined }), fingerprint, true],
    ['never read', undefined, fingerprint, true],
    ['PostHog gives no version', state(), cohortFingerprint({ id: 7, count: 10 }, identity), true],
    ['read more than 24 h ago', state({ cohort: { fingerprint: fingerprint ?? '', readAt: '2026-11-22T11:59:00Z' } }), fingerprint, true],
  ])('%s → read: %s', (_name, previous, current, read) => {
    expect(decideRead(previous, current, NOW, 24).run).toBe(read);
  });
});

describe('cohortMembersQuery', () => {
  it('builds one keyset page and refuses what could change the query', () => {
    expect(cohortMembersQuery('7', '$moengage_user_id', 60_000, '018f0000-0000-7000-8000-000000000100')).toBe(
      [
        'SELECT toString(person_id) AS id, any(person.properties.`$moengage_user_id`), any(person.is_identified), arraySort(groupArray(distinct_id))',
        'FROM person_distinct_ids',
        "WHERE person_id IN COHORT 7 AND toString(person_id) > '018f0000-0000-7000-8000-000000000100'",
        'GROUP BY id',
        'ORDER BY id',
        'LIMIT 50000',
      ].join('\n'),
    );
    expect(() => cohortMembersQuery('7 OR 1', 'p', 10, undefined)).toThrow(/not numeric/);
    expect(() => cohortMembersQuery('7', 'p', 10, "x') OR ('1")).toThrow(/not a person UUID/);
  });
});

describe('hourly budget', () => {
  it('starts from the saved history and refuses a wait longer than maxWaitMs', async () => {
    const clock = createFakeClock(NOW);
    const history = Array.from({ length: 5 }, (_, i) => NOW - 10 * 60_000 + i);
    const limiter = createRateLimiter({
      name: 'PostHog analytics API',
      windows: [
        { limit: 240, windowMs: 60_000 },
        { limit: 6, windowMs: 3_600_000 },
      ],
      history,
      now: clock.now,
      sleep: clock.sleep,
      maxWaitMs: 120_000,
    });
    await limiter.acquire();
    await expect(limiter.acquire()).rejects.toThrow(BudgetExhaustedError);
    await expect(limiter.acquire()).rejects.toThrow('budget of 6 per 60 min is spent until 2026-11-23T12:50:00.000Z');
    expect(limiter.history()).toHaveLength(6);
  });
});
