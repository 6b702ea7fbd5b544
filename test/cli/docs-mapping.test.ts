import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mapConnectorBody } from '#shared/connector/map-connector';
import { queueUnavailable } from '#shared/intake/dependencies';
import { OUTREACH_EVENTS } from '#shared/mapping/outreach-events';
import { QueueUnavailableError } from '#shared/queue/event-queue';

// docs/mapping.md states uuids and answers; each is computed here by the code that produces it.
const mapping = readFileSync(resolve(import.meta.dirname, '../../docs/mapping.md'), 'utf8');
const ctx = {
  now: new Date('2026-11-23T16:00:00.000Z'),
  libVersion: '0.1.0',
  personlessEvents: new Set(OUTREACH_EVENTS),
  strict: false,
};
const uuidOf = (body: unknown): string | undefined => {
  const result = mapConnectorBody(body, ctx);
  return result.ok ? result.events[0]?.uuid : undefined;
};

describe('docs/mapping.md, section 5 (uuid), gives the uuids the mapper makes', () => {
  it('for $insert_id', () => {
    const uuid = uuidOf({ event: 'purchase_completed', distinct_id: 'user-9', $insert_id: 'order-77' });
    expect(mapping).toContain(`for \`purchase_completed\` by \`user-9\` that is \`${uuid}\``);
  });

  it('for an event that brings no id, at any intake time', () => {
    const uuid = uuidOf({ event: 'x', distinct_id: 'u' });
    expect(mapConnectorBody({ event: 'x', distinct_id: 'u' }, { ...ctx, now: new Date('2027-01-01T00:00:00Z') })).toMatchObject({
      ok: true,
      events: [{ uuid }],
    });
    expect(mapping).toContain(`for \`{"event":"x","distinct_id":"u"}\` that is \`${uuid}\``);
  });
});

describe('docs/mapping.md, section 12 (Responses), shows the 503 of a part-way enqueue as answered', () => {
  it('names how many events were queued', () => {
    const outcome = queueUnavailable(new QueueUnavailableError('queue', { queued: 15, total: 25 }));
    expect(outcome.response.statusCode).toBe(503);
    expect(mapping).toContain(`| 503 | \`${outcome.response.body}\`, header \`Retry-After: 5\` |`);
  });
});
