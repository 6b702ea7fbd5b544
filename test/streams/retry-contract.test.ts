import { handleIntake } from '#shared/intake/router';
import { bearer, httpApiEvent } from '../support/events.ts';
import { intakeDeps, TOKEN } from '../connector/support/intake-deps.ts';
import { sendLikeMoEngage } from './moengage-streams-sender.ts';
import { fixtureBatch, largeBatch } from './support.ts';

const post =
  (body: unknown, headers: Record<string, string> = bearer(TOKEN), query?: Record<string, string>) =>
  () =>
    httpApiEvent({
      path: '/v1/streams',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers,
      ...(query ? { query } : {}),
    });

/**
 * Every answer of POST /v1/streams, replayed the way MoEngage sends a batch: 200 whenever something usable arrived
 * (invalid events are listed, not retried: they would fail again), a 4xx for a request that can never succeed, and a
 * 5xx only when nothing was accepted because the queue was unusable — the one case the 30/60/120 s retries fix.
 */
describe('POST /v1/streams against MoEngage Streams retry behaviour (30, 60, 120 s; never replayed)', () => {
  it('a batch with invalid events is answered 200 at once: the valid events are queued, nothing is retried', async () => {
    const deps = intakeDeps();
    const { attempts, delivered } = await sendLikeMoEngage(post(fixtureBatch()), (e) => handleIntake(e, deps));
    expect({ attempts, delivered }).toEqual({ attempts: [{ atSeconds: 0, status: 200 }], delivered: true });
    expect(deps.queue.messages.length).toBeGreaterThan(0);
  });

  it('a queue outage answered 503 is healed by the retries, and every event is queued exactly once', async () => {
    const deps = intakeDeps();
    const { attempts, delivered } = await sendLikeMoEngage(
      post(largeBatch(100)),
      (e) => handleIntake(e, deps),
      (attempt) => {
        deps.queue.down = attempt < 2;
      },
    );
    expect(attempts).toEqual([
      { atSeconds: 0, status: 503 },
      { atSeconds: 30, status: 503 },
      { atSeconds: 90, status: 200 },
    ]);
    expect(delivered).toBe(true);
    expect(new Set(deps.queue.messages.map((m) => m.event.uuid)).size).toBe(100);
    expect(deps.queue.messages).toHaveLength(100);
  });

  it('an outage longer than the retries loses the batch (MoEngage never replays), after four 503s', async () => {
    const deps = intakeDeps();
    deps.queue.down = true;
    const { attempts, delivered } = await sendLikeMoEngage(post(fixtureBatch()), (e) => handleIntake(e, deps));
    expect(attempts.map((a) => [a.atSeconds, a.status])).toEqual([
      [0, 503],
      [30, 503],
      [90, 503],
      [210, 503],
    ]);
    expect(delivered).toBe(false);
  });

  it.each([
    { name: 'a body that is not a batch', request: post({ event: 'x' }), status: 400 },
    { name: 'invalid JSON', request: post('{"events": ['), status: 400 },
    { name: 'a wrong token', request: post(fixtureBatch(), bearer('wrong')), status: 401 },
    {
      name: 'a body over the size limit',
      request: post({ events: [{ blob: 'x'.repeat(1024 * 1024) }] }),
      status: 413,
    },
  ])('$name gets $status on every attempt (never a 5xx), and nothing is queued', async ({ request, status }) => {
    const deps = intakeDeps();
    const { attempts, delivered } = await sendLikeMoEngage(request, (e) => handleIntake(e, deps));
    expect(attempts.map((a) => a.status)).toEqual([status, status, status, status]);
    expect(delivered).toBe(false);
    expect(deps.queue.messages).toEqual([]);
  });

  it('an empty batch is accepted (200, nothing queued) rather than retried', async () => {
    const deps = intakeDeps();
    const { attempts } = await sendLikeMoEngage(post({ events: [] }), (e) => handleIntake(e, deps));
    expect(attempts).toEqual([{ atSeconds: 0, status: 200 }]);
  });
});
