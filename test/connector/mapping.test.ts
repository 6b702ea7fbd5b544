import { type MappingContext, mapConnectorBody } from '#shared/connector/map-connector';
import { OUTREACH_EVENTS } from '#shared/mapping/outreach-events';
import type { PostHogEvent } from '#shared/posthog/event';
import { parseRequestBody } from '#shared/intake/request-body';
import type { FieldIssue } from '#shared/mapping/warnings';
import { CASES } from './fixtures/cases.ts';

const ctx = (overrides: Partial<MappingContext> = {}): MappingContext => ({
  now: new Date('2026-11-23T16:00:00.000Z'),
  libVersion: '0.1.0',
  configuredApiKey: 'phc_forwarder_project_key',
  personlessEvents: new Set(OUTREACH_EVENTS),
  strict: false,
  ...overrides,
});

const ENRICHMENT = { $lib: 'moengage-posthog-forwarder', $lib_version: '0.1.0', $source: 'moengage', $geoip_disable: true };
const NOW = '2026-11-23T16:00:00.000Z';
/**
 * Events without an id get a UUIDv5 of their own JSON and position (rules.test.ts checks exact values against Python);
 * here only its shape is held. The UUIDv5s from $insert_id were checked with Python:
 * uuid.uuid5(UUID("a3c5e0f2-6a0b-4c47-9a55-7f1e2d6b8c41"), json.dumps(["insert_id", event, distinct_id, "order-77"],
 * separators=(",", ":"))).
 */
const FROM_CONTENT = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) as string;
const ev = (event: string, distinct_id: string, properties: Record<string, unknown>, extra: Partial<PostHogEvent> = {}): PostHogEvent => ({
  event,
  distinct_id,
  properties: { ...properties, ...ENRICHMENT },
  timestamp: NOW,
  uuid: FROM_CONTENT,
  ...extra,
});
const DROPPED_UNRENDERED =
  'dropped: the value contains an unrendered MoEngage template ({{…}} or {%…%}); check the attribute name and add |default(...)';
const DROPPED_EMPTY = 'dropped: the value is empty ("", "None", "null" or "undefined"); the MoEngage attribute had no value for this user';

const EXPECTED: Record<string, { events: PostHogEvent[]; warnings: FieldIssue[] }> = {
  "MoEngage's PostHog recipe, rendered, sent as a Raw text/plain body": {
    events: [ev('Purchase', 'ann@example.com', { item_names: ['Running Shoes', 'Socks'], value: 49.9 })],
    warnings: [],
  },
  "MoEngage's recipe with a stale api_key and an attribute the event did not carry": {
    events: [ev('Purchase', 'ann@example.com', {})],
    warnings: [
      { path: 'api_key', message: 'ignored: events are sent with the project key configured in the forwarder' },
      { path: 'properties.item_names', message: DROPPED_UNRENDERED },
      { path: 'properties.value', message: DROPPED_EMPTY },
    ],
  },
  'PostHog tutorial: capture with distinct_id and amount': {
    events: [ev('purchase_completed', 'user-123', { amount: 19.99, currency: 'EUR', is_first_order: true })],
    warnings: [],
  },
  'PostHog tutorial: $identify with top-level $set': {
    events: [ev('$identify', 'user-123', { $set: { email: 'ann@example.com', name: 'Ann Lee' } })],
    warnings: [],
  },
  '$identify merging an anonymous id, with $set_once and the MoEngage user id': {
    events: [
      ev('$identify', 'user-123', {
        $anon_distinct_id: '0192f1e2-anon',
        $moengage_user_id: '5f1e2d6b8c41a3c5e0f26a0b',
        $set: { plan: 'pro', age: 34, $moengage_user_id: '5f1e2d6b8c41a3c5e0f26a0b' },
        $set_once: { signup_channel: 'moengage' },
      }),
    ],
    warnings: [],
  },
  '$create_alias: properties.alias is an id and stays a string': {
    events: [ev('$create_alias', 'user-123', { alias: '004512' })],
    warnings: [],
  },
  'a batch: identify and a purchase with $insert_id (all or nothing)': {
    events: [
      ev('$identify', 'user-9', { $set: { email: 'bo@example.com' } }),
      ev(
        'purchase_completed',
        'user-9',
        { amount: 5, order_id: '000077', $insert_id: 'order-77' },
        { uuid: '84aa2692-1ce8-5c1a-a5e3-a08188f4f8fa' },
      ),
    ],
    warnings: [],
  },
  'a form body with properties.<name>, $set.<name> and $set_once[<name>] fields': {
    events: [
      ev(
        'Purchase',
        'user-123',
        {
          amount: 19.99,
          currency: 'EUR',
          tags: ['sale', 'summer'],
          $set: { plan: 'pro' },
          $set_once: { first_purchase: '2026-11-23' },
          $insert_id: 'order-78',
        },
        { timestamp: '2026-11-23T14:00:00.000Z', uuid: '1764a667-1865-5cdd-a75e-40ce293dda2f' },
      ),
    ],
    warnings: [],
  },
  'a form body sent with a hand-typed Content-Type: application/json': {
    events: [ev('App Opened', 'user-5', { screen: 'home' })],
    warnings: [],
  },
  'an outreach event: personless, its $set ignored': {
    events: [
      ev('Email Delivered', 'user-2', { campaign_id: '353df897hkbh67658', campaign_name: 'Winter sale', $process_person_profile: false }),
    ],
    warnings: [{ path: '$set', message: 'ignored: "Email Delivered" is an outreach event, sent without a person profile' }],
  },
  'timestamps: ISO with an offset, epoch milliseconds, Python datetime text': {
    events: [
      ev('a', 'u', {}, { timestamp: '2026-11-23T04:45:00.000Z' }),
      ev('b', 'u', {}, { timestamp: '2026-11-23T13:20:00.123Z' }),
      ev('c', 'u', {}, { timestamp: '2026-11-23T09:00:00.250Z' }),
    ],
    warnings: [],
  },
  'coercion at any depth, with the leading-zero, id-like-key and 2^53 exceptions': {
    events: [
      ev('Checkout', 'user-1', {
        cart: { total: 10.5, quantities: [1, 2], sku_id: '0012' },
        flags: ['a', true],
        app_version: '1.10',
        zip: '02139',
        'Customer Id': '123',
        mobileNumber: '919876543210',
        big: '9007199254740993',
        price_str: '+5',
        rounded: 100,
      }),
    ],
    warnings: [{ path: 'properties.flags.1', message: DROPPED_EMPTY }],
  },
  'a uuid is kept (lower-cased); properties.distinct_id and $ip are honoured': {
    events: [
      {
        event: 'Signed Up',
        distinct_id: 'user-77',
        properties: { $ip: '203.0.113.9', $lib: 'moengage-posthog-forwarder', $lib_version: '0.1.0', $source: 'moengage' },
        timestamp: NOW,
        uuid: '0192f1e2-8a4b-7c3d-9e5f-1a2b3c4d5e6f',
      },
    ],
    warnings: [],
  },
  'a JSON list of events, as PostHog capture accepts': {
    events: [ev('a', 'u1', {}), ev('b', 'u2', {})],
    warnings: [],
  },
};

describe('connector bodies → exact PostHog payloads', () => {
  it('has an expected payload for every case', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(CASES.map((c) => c.name).sort());
  });

  it.each(CASES)('maps $name', ({ name, contentType, body }) => {
    const parsed = parseRequestBody({ body, isBase64Encoded: false, contentType }, 1024 * 1024);
    if (!parsed.ok) throw new Error(`body not parsed: ${JSON.stringify(parsed.errors)}`);
    expect(mapConnectorBody(parsed.value, ctx())).toEqual({ ok: true, ...EXPECTED[name] });
  });

  it('serialises every payload without sent_at, offset or api_key', () => {
    for (const { body, contentType } of CASES) {
      const parsed = parseRequestBody({ body, isBase64Encoded: false, contentType }, 1024 * 1024);
      const mapped = parsed.ok ? mapConnectorBody(parsed.value, ctx()) : undefined;
      if (!mapped?.ok) throw new Error(`not mapped: ${body}`);
      expect(JSON.stringify(mapped.events)).not.toMatch(/"(sent_at|offset|api_key|token)"|phc_/);
    }
  });
});
