import { type MappingContext, mapConnectorBody } from '#shared/connector/map-connector';
import { OUTREACH_EVENTS } from '#shared/mapping/outreach-events';

const ctx = (overrides: Partial<MappingContext> = {}): MappingContext => ({
  now: new Date('2026-11-23T16:00:00.000Z'),
  libVersion: '0.1.0',
  configuredApiKey: 'phc_configured',
  personlessEvents: new Set(OUTREACH_EVENTS),
  strict: false,
  ...overrides,
});
const ENRICHMENT = { $lib: 'moengage-posthog-forwarder', $lib_version: '0.1.0', $source: 'moengage', $geoip_disable: true };

describe('mapConnectorBody', () => {
  it.each([
    {
      name: "MoEngage's own PostHog recipe (api_key in the body, Jinja-rendered strings)",
      body: {
        event: 'Purchase',
        api_key: 'phc_configured',
        distinct_id: 'ann@example.com',
        properties: { item_names: "['Shoes', 'Hat']", value: '49.9', list_price: '49.90' },
      },
      expected: {
        event: 'Purchase',
        distinct_id: 'ann@example.com',
        // Python renders 49.9 as "49.9"; "49.90" is not its rendering of a number, so it stays text.
        properties: { item_names: ['Shoes', 'Hat'], value: 49.9, list_price: '49.90', ...ENRICHMENT },
      },
    },
    {
      name: "PostHog tutorial's identify with top-level $set",
      body: { event: '$identify', distinct_id: 'u-1', $set: { email: 'a@example.com', name: 'Ann Lee' } },
      expected: {
        event: '$identify',
        distinct_id: 'u-1',
        properties: { $set: { email: 'a@example.com', name: 'Ann Lee' }, ...ENRICHMENT },
      },
    },
    {
      name: 'an outreach event, sent personless',
      body: { event: 'Email Delivered', distinct_id: 'u-2', properties: { campaign_id: '353df897' } },
      expected: {
        event: 'Email Delivered',
        distinct_id: 'u-2',
        properties: { campaign_id: '353df897', $process_person_profile: false, ...ENRICHMENT },
      },
    },
    {
      name: 'id-like keys and leading zeros kept as strings',
      body: {
        event: 'signup',
        distinct_id: 42,
        properties: { user_id: '123', zip: '01234', phone: '5551234', code: '007', active: 'True' },
      },
      expected: {
        event: 'signup',
        distinct_id: '42',
        properties: { user_id: '123', zip: '01234', phone: '5551234', code: '007', active: true, ...ENRICHMENT },
      },
    },
  ])('maps $name', ({ body, expected }) => {
    const result = mapConnectorBody(body, ctx());
    expect(result).toEqual({
      ok: true,
      events: [{ ...expected, timestamp: '2026-11-23T16:00:00.000Z', uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) }],
      warnings: [],
    });
  });

  it.each([
    [{ distinct_id: 'u' }, 'event', 'is required'],
    [{ event: '{{EventAttribute["Name"]}}', distinct_id: 'u' }, 'event', 'unrendered'],
    [{ event: 'x' }, 'distinct_id', 'is required'],
    [{ event: 'x', distinct_id: 'None' }, 'distinct_id', 'empty'],
    [{ event: 'x', distinct_id: 'u', timestamp: 'yesterday' }, 'timestamp', 'ISO 8601'],
  ])('rejects %j at %s', (body, path, message) => {
    const result = mapConnectorBody(body, ctx());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([{ path, message: expect.stringContaining(message) }]);
  });

  it('drops a property whose template was not rendered, with a warning naming it', () => {
    const result = mapConnectorBody(
      { event: 'x', distinct_id: 'u', properties: { plan: "{{UserAttribute['Plan']}}", amount: '5' } },
      ctx(),
    );
    expect(result).toMatchObject({ ok: true, events: [{ properties: { amount: 5 } }], warnings: [{ path: 'properties.plan' }] });
  });

  it('fixes the uuid and timestamp once: the same body maps identically, a re-send hours later to the same events', () => {
    const body = { event: 'x', distinct_id: 'u', timestamp: 1_795_449_600 };
    const first = mapConnectorBody(body, ctx());
    expect(first).toEqual(mapConnectorBody(body, ctx()));
    expect(first).toMatchObject({ ok: true, events: [{ timestamp: '2026-11-23T16:00:00.000Z' }] });
    expect(mapConnectorBody(body, ctx({ now: new Date('2026-11-23T19:00:00.000Z') }))).toEqual(first);
  });

  it('maps a batch all-or-nothing, naming the index of the bad event', () => {
    const result = mapConnectorBody(
      {
        batch: [
          { event: 'a', distinct_id: 'u' },
          { event: 'b', distinct_id: '' },
        ],
      },
      ctx(),
    );
    expect(result).toEqual({ ok: false, errors: [{ path: 'batch.1.distinct_id', message: expect.stringContaining('empty') }] });
  });
});
