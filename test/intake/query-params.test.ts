import { readFileSync } from 'node:fs';
import { checkQueryFlags, isQueryFlagOn } from '#shared/intake/query-params';
import { handleIntake } from '#shared/intake/router';
import { MOENGAGE_RECIPE_RENDERED } from '../connector/fixtures/cases.ts';
import { intakeDeps, TOKEN } from '../connector/support/intake-deps.ts';
import { bearer, httpApiEvent } from '../support/events.ts';

const STREAMS_BATCH = readFileSync(new URL('../fixtures/streams/batch.json', import.meta.url), 'utf8');
const BODIES: Record<string, string> = { '/v1/connector': MOENGAGE_RECIPE_RENDERED, '/v1/streams': STREAMS_BATCH };

describe('isQueryFlagOn (?dry_run, ?verify on every route)', () => {
  it.each([
    [undefined, false],
    ['', true],
    ['1', true],
    ['true', true],
    ['yes', true],
    ['ON', true],
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['no', false],
    ['off', false],
  ])('reads %j as %s', (value, expected) => {
    expect(isQueryFlagOn(value)).toBe(expected);
  });
});

describe('checkQueryFlags', () => {
  it('names the known parameters for an unknown one and refuses a value that is not a flag', () => {
    expect(checkQueryFlags({ dryrun: '1', verify: 'maybe' }, ['dry_run', 'verify'])).toEqual([
      { path: 'query.dryrun', message: 'unknown query parameter; this route knows ?dry_run, ?verify (lower-case); nothing was sent' },
      { path: 'query.verify', message: 'must be 1, true, yes or on (or 0, false, no, off); nothing was sent' },
    ]);
    expect(checkQueryFlags(undefined, ['dry_run'])).toEqual([]);
  });
});

describe('query parameters on both routes (one table)', () => {
  it.each([
    ['/v1/connector', { dryrun: '1' }, 400, 'query.dryrun'],
    ['/v1/connector', { DRY_RUN: '1' }, 400, 'query.DRY_RUN'],
    ['/v1/connector', { dry_run: 'please' }, 400, 'query.dry_run'],
    ['/v1/streams', { verify: '1' }, 400, 'query.verify'],
    ['/v1/streams', { dryrun: '' }, 400, 'query.dryrun'],
    ['/v1/connector', { dry_run: '1' }, 200, 'dry_run'],
    ['/v1/streams', { dry_run: 'true' }, 200, 'dry_run'],
    ['/v1/connector', { dry_run: 'off' }, 200, 'queued'],
    ['/v1/streams', { dry_run: '0' }, 200, 'queued'],
  ])('POST %s %j → %i (%s), and nothing is queued on a 400', async (path, query, status, what) => {
    const deps = intakeDeps();
    const response = await handleIntake(httpApiEvent({ path, body: BODIES[path] ?? '', headers: bearer(TOKEN), query }), deps);
    expect(response.statusCode).toBe(status);
    const body = JSON.parse(response.body) as { status: string; errors?: Array<{ path: string }> };
    if (status === 400) {
      expect(body).toMatchObject({ status: 'rejected', errors: [{ path: what }] });
      expect(deps.queue.messages).toEqual([]);
      expect(deps.metrics.sum('Rejected', { reason: 'invalid_query' })).toBe(1);
    } else if (what === 'dry_run') {
      expect(body.status).toBe('dry_run');
      expect(deps.queue.messages).toEqual([]);
    } else {
      expect(deps.queue.messages.length).toBeGreaterThan(0);
    }
  });
});
