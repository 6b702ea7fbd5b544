import { looksAnonymous, resolveMemberId } from '#shared/cohort-sync/identity';
import { chunkUids, cohortSyncBody, MAX_PAYLOAD_BYTES } from '#shared/cohort-sync/moengage-cohort-api';
import { applyAcknowledged, decideRun, diffMembership, syncIdOf } from '#shared/cohort-sync/plan';
import { nextPageUrl } from '#shared/cohort-sync/posthog-cohort-reader';
import { createRateLimiter, waitBeforeNext } from '#shared/cohort-sync/rate-limiter';
import fc from 'fast-check';
import { createFakeClock } from './support/clock.ts';

const person = (over: Partial<{ distinct_ids: string[]; properties: Record<string, unknown>; is_identified: boolean | null }>) => ({
  id: 'p1',
  distinct_ids: ['user-1'],
  properties: {},
  is_identified: true,
  ...over,
});
const byProperty = { property: '$moengage_user_id', fallback: 'distinct_id' as const };

describe('resolveMemberId', () => {
  it.each([
    [
      'the $moengage_user_id property',
      person({ properties: { $moengage_user_id: 'moe-1' } }),
      { ok: true, uid: 'moe-1', source: 'property' },
    ],
    [
      'a numeric property value as a string',
      person({ properties: { $moengage_user_id: 42 } }),
      { ok: true, uid: '42', source: 'property' },
    ],
    ['the identified distinct id when the property is absent', person({}), { ok: true, uid: 'user-1', source: 'distinct_id' }],
    [
      'the distinct id when the property is an empty string',
      person({ properties: { $moengage_user_id: ' ' } }),
      { ok: true, uid: 'user-1', source: 'distinct_id' },
    ],
    [
      'the distinct id when the property holds "None"',
      person({ properties: { $moengage_user_id: 'None' } }),
      { ok: true, uid: 'user-1', source: 'distinct_id' },
    ],
    [
      'a non-anonymous id among device ids',
      person({ distinct_ids: ['01932f5e-8a4b-7c3d-9e5f-1a2b3c4d5e6f', 'alice@example.com'] }),
      { ok: true, uid: 'alice@example.com', source: 'distinct_id' },
    ],
    ['the smallest of several identified ids', person({ distinct_ids: ['zed', 'bob'] }), { ok: true, uid: 'bob', source: 'distinct_id' }],
    ['nothing for an anonymous person', person({ is_identified: false }), { ok: false, reason: 'not_identified' }],
    [
      'nothing when every distinct id is a device id',
      person({ distinct_ids: ['01932f5e-8a4b-7c3d-9e5f-1a2b3c4d5e6f'] }),
      { ok: false, reason: 'anonymous' },
    ],
    ['nothing without distinct ids', person({ distinct_ids: [] }), { ok: false, reason: 'no_id' }],
  ])('uses %s', (_name, input, expected) => {
    expect(resolveMemberId(input, byProperty)).toEqual(expected);
  });

  it('reads a configured property and can refuse the distinct-id fallback', () => {
    const options = { property: 'crm_id', fallback: 'none' as const };
    expect(resolveMemberId(person({ properties: { crm_id: 'c-9' } }), options)).toEqual({ ok: true, uid: 'c-9', source: 'property' });
    expect(resolveMemberId(person({}), options)).toEqual({ ok: false, reason: 'no_id' });
  });

  it.each([
    ['01932f5e-8a4b-7c3d-9e5f-1a2b3c4d5e6f', true],
    ['17f1c3d0a6c6e1-0b8c2d9e5f1a2b-4c1d2e3f-1fa400-17f1c3d0a6c6e1', true],
    ['user-00001', false],
    ['alice@example.com', false],
  ])('treats %s as anonymous: %s', (id, expected) => {
    expect(looksAnonymous(id)).toBe(expected);
  });
});

describe('diffMembership', () => {
  it.each([
    ['first sync', [], ['b', 'a'], { toAdd: ['a', 'b'], toRemove: [] }],
    ['no change', ['a', 'b'], ['a', 'b'], { toAdd: [], toRemove: [] }],
    ['adds and removals', ['a', 'b', 'c'], ['b', 'd'], { toAdd: ['d'], toRemove: ['a', 'c'] }],
    ['cohort emptied', ['a'], [], { toAdd: [], toRemove: ['a'] }],
  ])('%s', (_name, previous, target, expected) => {
    expect(diffMembership(previous, new Set(target))).toEqual(expected);
  });

  it('always leads to the target membership once applied', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string()), fc.uniqueArray(fc.string()), (previous, target) => {
        const members = new Set(previous);
        const { toAdd, toRemove } = diffMembership(members, new Set(target));
        applyAcknowledged(members, 'add_members', toAdd);
        applyAcknowledged(members, 'remove_members', toRemove);
        expect([...members].sort()).toEqual([...target].sort());
      }),
    );
  });
});

describe('decideRun', () => {
  const done = {
    version: 1 as const,
    syncId: 's',
    moengageCohortId: 's',
    moengageCohortName: 'A',
    members: [],
    updatedAt: 'x',
    completedAt: '2026-11-23T12:00:00.000Z',
  };
  it.each([
    ['a dynamic sync every time', 'dynamic', done, false, { run: true }],
    ['a one-time export that never completed', 'once', { ...done, completedAt: undefined }, false, { run: true }],
    ['a one-time export with no state yet', 'once', undefined, false, { run: true }],
    ['a completed one-time export when forced', 'once', done, true, { run: true }],
  ] as const)('runs %s', (_name, mode, state, force, expected) => {
    expect(decideRun({ mode }, state, force)).toEqual(expected);
  });

  it('skips a completed one-time export and says when it completed', () => {
    expect(decideRun({ mode: 'once' }, done)).toEqual({
      run: false,
      reason: 'one-time export already completed at 2026-11-23T12:00:00.000Z',
    });
  });
});

describe('syncIdOf', () => {
  it('is stable for a sync and changes with the segment name', () => {
    const sync = { posthogProjectId: '1', cohortId: '2', moengageCohortName: 'Power users' };
    expect(syncIdOf(sync)).toBe(syncIdOf({ ...sync }));
    expect(syncIdOf(sync)).toMatch(/^posthog-1-2-[0-9a-f]{10}$/);
    expect(syncIdOf({ ...sync, moengageCohortName: 'Power users 2' })).not.toBe(syncIdOf(sync));
  });
});

describe('chunkUids', () => {
  const cohort = { partner: 'posthog', cohortName: 'Power users', cohortId: 'posthog-1-2-abc' };
  const size = (uids: string[]) => Buffer.byteLength(JSON.stringify(cohortSyncBody('add_members', cohort, uids)));

  it('keeps every serialized request within the limit and every uid exactly once, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }), { maxLength: 300 }),
        fc.integer({ min: 400, max: 3000 }),
        (uids, max) => {
          const chunks = chunkUids('add_members', cohort, uids, max);
          for (const chunk of chunks) expect(size(chunk)).toBeLessThanOrEqual(max);
          expect(chunks.flat()).toEqual(uids);
          expect(chunks.every((c) => c.length > 0)).toBe(true);
        },
      ),
    );
  });

  it('fills requests close to the limit (a chunk plus the next uid would not fit)', () => {
    const uids = Array.from({ length: 20_000 }, (_, i) => `moe-${String(i).padStart(5, '0')}`);
    const chunks = chunkUids('add_members', cohort, uids);
    expect(chunks.length).toBeGreaterThan(1);
    for (const [i, chunk] of chunks.entries()) {
      expect(size(chunk)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
      const next = chunks[i + 1]?.[0];
      if (next !== undefined) expect(size([...chunk, next])).toBeGreaterThan(MAX_PAYLOAD_BYTES);
    }
  });

  it('refuses an id that cannot fit any request', () => {
    expect(() => chunkUids('add_members', cohort, ['x'.repeat(500)], 300)).toThrow(/cannot fit a 300-byte request/);
  });
});

describe('rate limiter', () => {
  it.each([
    ['room in the window', [0, 1000], 3, 0],
    ['a full window: wait for the oldest to leave it', [0, 1000, 2000], 3, 57_000],
    ['old starts no longer count', [-70_000, 1000, 2000], 3, 0],
  ])('waitBeforeNext with %s', (_name, starts, limit, expected) => {
    expect(waitBeforeNext(starts, limit, 60_000, 3000)).toBe(expected);
  });

  it('never lets more than `limit` requests start in any 60 s window, on an injected clock', async () => {
    const clock = createFakeClock(0);
    const limiter = createRateLimiter({ windows: [{ limit: 300, windowMs: 60_000 }], now: clock.now, sleep: clock.sleep });
    const starts: number[] = [];
    for (let i = 0; i < 1000; i++) {
      await limiter.acquire();
      starts.push(clock.now());
      clock.advance(10);
    }
    for (const [i, start] of starts.entries()) {
      const inWindow = starts.filter((t) => t >= start && t < start + 60_000).length;
      expect({ i, inWindow: Math.min(inWindow, 300) }).toEqual({ i, inWindow });
    }
    // 1000 requests at ≤ 300/min need at least three full windows.
    expect(clock.now()).toBeGreaterThanOrEqual(3 * 60_000);
  });
});

describe('nextPageUrl', () => {
  it.each([
    [null, undefined],
    ['', undefined],
    [
      'http://internal:8000/api/projects/1/cohorts/2/persons/?limit=100&offset=100',
      'https://eu.posthog.com/api/projects/1/cohorts/2/persons/?limit=100&offset=100',
    ],
    ['https://evil.example/api/x?offset=1', 'https://eu.posthog.com/api/x?offset=1'],
  ])('keeps %s on the configured origin', (next, expected) => {
    expect(nextPageUrl(next, 'https://eu.posthog.com')).toBe(expected);
  });
});
