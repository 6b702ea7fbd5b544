import { handleIntake } from '#shared/intake/router';
import { MAX_STREAMS_EVENTS } from '#shared/streams/map-streams';
import { bearer, httpApiEvent } from '../support/events.ts';
import { intakeDeps, TOKEN } from '../connector/support/intake-deps.ts';
import { largeBatch } from './support.ts';

/** One hostile event at index 0 beside a valid one: the hostile one is rejected, the batch still answers 200. */
interface BadEvent {
  name: string;
  event: (valid: Record<string, unknown>) => unknown;
  /** The first error's path and a fragment of its message. */
  path: string;
  message: string;
}

/** 5,000 levels, written as text: the test's own JSON.stringify would overflow the stack on it. */
const DEEP = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;

const CORPUS: BadEvent[] = [
  {
    name: 'an event nested 5,000 deep',
    event: (v) => ({ ...v, event_attributes: '__DEEP__' }),
    path: `events.0.event_attributes${'.a'.repeat(31)}`,
    message: 'nested deeper than 32 levels',
  },
  {
    name: '50,000 properties',
    event: (v) => ({ ...v, event_attributes: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`p${i}`, i])) }),
    path: 'events.0.event_attributes',
    message: 'has 50000 keys',
  },
  {
    name: 'a NUL in a value',
    event: (v) => ({ ...v, event_attributes: { note: 'a\u0000b' } }),
    path: 'events.0.event_attributes.note',
    message: 'NUL',
  },
  {
    name: 'a NUL in a name',
    event: (v) => ({ ...v, event_attributes: { 'a\u0000b': 1 } }),
    path: 'events.0.event_attributes',
    message: 'NUL',
  },
  { name: 'a lone surrogate in uid', event: (v) => ({ ...v, uid: 'x\ud800' }), path: 'events.0.uid', message: 'lone UTF-16 surrogate' },
  {
    name: 'a lone surrogate in a user attribute',
    event: (v) => ({ ...v, user_attributes: { city: '\udc00' } }),
    path: 'events.0.user_attributes.city',
    message: 'invalid Unicode',
  },
  {
    name: 'a number beyond ±1.8e308',
    event: (v) => ({ ...v, event_attributes: { amount: Number.POSITIVE_INFINITY } }),
    path: 'events.0.event_attributes.amount',
    message: 'too large to represent',
  },
  {
    name: 'an unreadable event_time',
    event: (v) => ({ ...v, event_time: 'secret-value-42' }),
    path: 'events.0.event_time',
    message: 'is not an ISO 8601',
  },
];

const post = (body: string) =>
  httpApiEvent({ path: '/v1/streams', body, headers: { 'content-type': 'application/json', ...bearer(TOKEN) } });

describe('hostile Streams events', () => {
  it.each(CORPUS)('rejects $name on its own and still answers 200', async ({ event, path, message }) => {
    const deps = intakeDeps();
    const batch = largeBatch(2);
    const events = batch.events as Array<Record<string, unknown>>;
    events[0] = event(events[0] as Record<string, unknown>) as Record<string, unknown>;
    const text = JSON.stringify(batch).replace('"amount":null', '"amount":1e400').replace('"__DEEP__"', DEEP);
    const response = await handleIntake(post(text), deps);
    expect(response.statusCode).toBe(200);
    const answer = JSON.parse(response.body) as {
      queued: number;
      rejected: Array<{ index: number; errors: Array<{ path: string; message: string }> }>;
    };
    expect(answer.queued).toBe(1);
    expect(answer.rejected.map((r) => r.index)).toEqual([0]);
    expect(answer.rejected[0]?.errors[0]?.path).toBe(path);
    expect(answer.rejected[0]?.errors[0]?.message).toContain(message);
    expect(response.body).not.toContain('secret-value-42');
    expect(deps.queue.messages).toHaveLength(1);
    expect(deps.logger.lines).toHaveLength(1);
  });

  it(`refuses a batch of more than ${MAX_STREAMS_EVENTS} events with 400`, async () => {
    const deps = intakeDeps();
    const response = await handleIntake(post(JSON.stringify(largeBatch(MAX_STREAMS_EVENTS + 1))), deps);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(`at most ${MAX_STREAMS_EVENTS}`);
    expect(deps.queue.messages).toEqual([]);
  });

  it('keeps the answer and the log small however many events are rejected', async () => {
    const deps = intakeDeps();
    const batch = {
      app_name: 'a',
      source: 'MoEngage',
      moe_request_id: 'r',
      events: Array.from({ length: MAX_STREAMS_EVENTS }, () => ({})),
    };
    const response = await handleIntake(post(JSON.stringify(batch)), deps);
    expect(response.statusCode).toBe(200);
    const answer = JSON.parse(response.body) as { rejected: unknown[]; rejected_count: number };
    expect([answer.rejected.length, answer.rejected_count]).toEqual([20, MAX_STREAMS_EVENTS]);
    expect(response.body.length).toBeLessThan(10_000);
    expect(deps.logger.lines).toHaveLength(1);
    expect(deps.logger.lines[0]?.fields).toMatchObject({ rejected: MAX_STREAMS_EVENTS });
  });
});
