import { readFileSync } from 'node:fs';
import { REJECTED_AFTER_AUTH } from '#shared/intake/dependencies';
import { handleIntake } from '#shared/intake/router';
import { MOENGAGE_RECIPE_RENDERED } from '../connector/fixtures/cases.ts';
import { intakeDeps, TOKEN } from '../connector/support/intake-deps.ts';
import { bearer, httpApiEvent } from '../support/events.ts';

const STREAMS_BATCH = readFileSync(new URL('../fixtures/streams/batch.json', import.meta.url), 'utf8');

/** The batch fixture (nine events, two of them unmappable) cut to its first `keep` events, the first `broken` of them made unmappable. */
function streams(keep: number, broken: number): string {
  const batch = JSON.parse(STREAMS_BATCH) as { events: Record<string, unknown>[] };
  batch.events = batch.events.slice(0, keep);
  batch.events.slice(0, broken).forEach((e) => {
    e.event_name = '';
    e.event_code = '';
  });
  return JSON.stringify(batch);
}

interface Case {
  name: string;
  method?: string;
  path: string;
  body?: string;
  token?: boolean;
  queueDown?: boolean;
  status: number;
  counted: number;
}

/** RejectedAfterAuth counts what MoEngage sent and we refused; never a scanner's request, never our own 5xx. */
const CASES: Case[] = [
  { name: 'an accepted connector request', path: '/v1/connector', body: MOENGAGE_RECIPE_RENDERED, status: 200, counted: 0 },
  { name: 'a connector body that is not JSON, with a valid token', path: '/v1/connector', body: '{"event":', status: 400, counted: 1 },
  {
    name: 'an unknown query parameter, with a valid token',
    path: '/v1/connector?verfy=1',
    body: MOENGAGE_RECIPE_RENDERED,
    status: 400,
    counted: 1,
  },
  { name: 'a body without a token (a scanner)', path: '/v1/connector', body: '{"event":', token: false, status: 401, counted: 0 },
  { name: 'an unknown path', path: '/wp-login.php', body: '', status: 404, counted: 0 },
  { name: 'a wrong method', method: 'GET', path: '/v1/connector', status: 405, counted: 0 },
  {
    name: 'a queue that refuses (our 503)',
    path: '/v1/connector',
    body: MOENGAGE_RECIPE_RENDERED,
    queueDown: true,
    status: 503,
    counted: 0,
  },
  { name: 'the Streams fixture (two unmappable events of nine)', path: '/v1/streams', body: STREAMS_BATCH, status: 200, counted: 2 },
  { name: 'the fixture with two more events unmappable', path: '/v1/streams', body: streams(9, 2), status: 200, counted: 4 },
  { name: 'a Streams batch of valid events only', path: '/v1/streams', body: streams(1, 0), status: 200, counted: 0 },
];

describe('the RejectedAfterAuth metric (the RejectedRequests alarm)', () => {
  it.each(CASES)('counts $counted for $name ($status)', async ({ method, path, body, token, queueDown, status, counted }) => {
    const deps = intakeDeps();
    deps.queue.down = queueDown ?? false;
    const [rawPath, query] = path.split('?');
    const event = httpApiEvent({
      method: method ?? 'POST',
      path: rawPath ?? path,
      body: body ?? '',
      headers: { ...(token === false ? {} : bearer(TOKEN)), 'content-type': 'application/json' },
      ...(query ? { query: Object.fromEntries(new URLSearchParams(query)) } : {}),
    });
    const response = await handleIntake(event, deps);
    expect(response.statusCode).toBe(status);
    expect(deps.metrics.sum(REJECTED_AFTER_AUTH)).toBe(counted);
  });
});
