import { readFileSync } from 'node:fs';
import { handleIntake } from '#shared/intake/router';
import { MOENGAGE_RECIPE_RENDERED } from '../connector/fixtures/cases.ts';
import { intakeDeps, TOKEN, type TestDeps } from '../connector/support/intake-deps.ts';
import { bearer, httpApiEvent } from '../support/events.ts';

const STREAMS_BATCH = readFileSync(new URL('../fixtures/streams/batch.json', import.meta.url), 'utf8');
const VALID: Record<string, string> = { '/v1/connector': MOENGAGE_RECIPE_RENDERED, '/v1/streams': STREAMS_BATCH };

interface Case {
  name: string;
  body?: string;
  headers?: Record<string, string>;
  arrange?: (deps: TestDeps) => void;
  status: number;
  reason: string;
}

/** The same failure answers the same way on both routes: one status, one Rejected{reason}, nothing queued. */
const CASES: Case[] = [
  {
    name: 'a body over the limit',
    body: `{"pad":"${'x'.repeat(2_000)}"}`,
    arrange: (d) => limit(d, 1_000),
    status: 413,
    reason: 'too_large',
  },
  { name: 'an unsupported content type', headers: { 'content-type': 'image/png' }, status: 415, reason: 'unsupported_media_type' },
  { name: 'an empty body', body: '', status: 400, reason: 'empty_body' },
  { name: 'a body that is not JSON', body: '{"event":', status: 400, reason: 'invalid_json' },
  {
    name: 'a queue that refuses',
    arrange: (d) => {
      d.queue.down = true;
    },
    status: 503,
    reason: 'queue_unavailable',
  },
  { name: 'a queue client that throws anything', arrange: (d) => breakQueue(d), status: 503, reason: 'queue_unavailable' },
];

function limit(deps: TestDeps, bytes: number): void {
  deps.config = { ...deps.config, maxBodyBytes: bytes };
}

function breakQueue(deps: TestDeps): void {
  deps.queue.enqueue = async () => {
    throw new TypeError('socket hang up');
  };
}

describe.each(['/v1/connector', '/v1/streams'])('POST %s', (path) => {
  it.each(CASES)('answers $name with $status and Rejected{reason=$reason}', async ({ body, headers, arrange, status, reason }) => {
    const deps = intakeDeps();
    arrange?.(deps);
    const event = httpApiEvent({
      path,
      body: body ?? VALID[path] ?? '',
      headers: { ...bearer(TOKEN), 'content-type': 'application/json', ...headers },
    });
    const response = await handleIntake(event, deps);
    expect(response.statusCode).toBe(status);
    expect(deps.metrics.sum('Rejected', { reason })).toBe(1);
    expect(deps.queue.messages).toEqual([]);
    if (status === 503)
      expect(JSON.parse(response.body)).toMatchObject({ status: 'unavailable', message: expect.stringContaining('nothing was accepted') });
  });
});
