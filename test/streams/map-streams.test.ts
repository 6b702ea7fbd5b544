import fc from 'fast-check';
import { uuidFromKey } from '#shared/mapping/event-id';
import { DEFAULT_STREAMS_OPTIONS, type StreamsMappingContext, mapStreamsBatch } from '#shared/streams/map-streams';
import { OUTREACH_EVENTS } from '#shared/mapping/outreach-events';
import { PostHogEventSchema } from '#shared/posthog/event';
import batch from '../fixtures/streams/batch.json' with { type: 'json' };
import expected from '../fixtures/streams/expected.json' with { type: 'json' };

const ctx = (overrides: Partial<StreamsMappingContext> = {}): StreamsMappingContext => ({
  ...DEFAULT_STREAMS_OPTIONS,
  libVersion: '0.1.0',
  personlessEvents: new Set(OUTREACH_EVENTS),
  ...overrides,
});

/** One documented-shape event; `overrides` replace top-level fields (`undefined` removes one). */
const streamsEvent = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const event: Record<string, unknown> = {
    event_name: 'Email Clicked',
    event_code: 'MOE_EMAIL_CLICK',
    event_uuid: 'evt-1',
    event_time: 1580967474,
    event_type: 'CAMPAIGN_EVENT',
    event_source: 'MOENGAGE',
    uid: 'customer-1',
    event_attributes: { campaign_id: 'c-1' },
    user_attributes: { moengage_user_id: 'moe-1' },
    device_attributes: { moengage_device_id: 'dev-1' },
    ...overrides,
  };
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete event[key];
  return event;
};
const one = (event: unknown, context = ctx(), request: Record<string, unknown> = {}) =>
  mapStreamsBatch({ app_name: 'App', source: 'MOENGAGE', moe_request_id: 'req-1', events: [event], ...request }, context);
const mappedEvent = (event: unknown, context = ctx()) => {
  const result = one(event, context);
  if (!result.ok) throw new Error(`batch failed: ${JSON.stringify(result.errors)}`);
  const first = result.events[0];
  if (!first) throw new Error(`event rejected: ${JSON.stringify(result.rejected)}`);
  return first.event;
};

describe('mapStreamsBatch on the documented payload (test/fixtures/streams)', () => {
  const result = mapStreamsBatch(batch, ctx());

  it.each(expected.events)('maps the $case', ({ index, posthog }) => {
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.events.find((e) => e.index === index)?.event).toEqual(posthog);
    expect(PostHogEventSchema.safeParse(posthog).success).toBe(true);
  });

  it('rejects only the invalid events, naming their index, and reports ignored fields once per batch', () => {
    expect(result).toMatchObject({ ok: true, requestId: '5f0c1c2e-9d1a-4c55-8a77-2b2f3f0a9e01' });
    if (!result.ok) return;
    expect(result.events.map((e) => e.index)).toEqual(expected.events.map((e) => e.index));
    expect(result.rejected).toEqual(expected.rejected);
    expect(result.warnings).toEqual(expected.warnings);
  });

  it('maps the same batch to byte-identical events every time (no clock, no randomness)', () => {
    const again = mapStreamsBatch(structuredClone(batch), ctx());
    expect(JSON.stringify(again)).toBe(JSON.stringify(result));
  });

  it('never forwards channel addresses unless configured', () => {
    const text = JSON.stringify(result);
    for (const address of ['ann@example.com', '+15551234567', 'fcm-token-abc123']) expect(text).not.toContain(address);
  });
});

describe('mapStreamsEvent rules', () => {
  it.each([
    { name: 'event_name by default', overrides: {}, context: {}, event: 'Email Clicked' },
    { name: 'event_code when configured', overrides: {}, context: { eventName: 'event_code' as const }, event: 'MOE_EMAIL_CLICK' },
    { name: 'event_code when event_name is empty', overrides: { event_name: ' ' }, context: {}, event: 'MOE_EMAIL_CLICK' },
    {
      name: 'event_name when event_code is missing and codes are configured',
      overrides: { event_code: undefined },
      context: { eventName: 'event_code' as const },
      event: 'Email Clicked',
    },
  ])('names the event by $name', ({ overrides, context, event }) => {
    expect(mappedEvent(streamsEvent(overrides), ctx(context)).event).toBe(event);
  });

  it.each([
    { name: 'uid', overrides: {}, distinctId: 'customer-1', personless: false, warning: undefined },
    { name: 'a numeric uid as a string', overrides: { uid: 4711 }, distinctId: '4711', personless: false, warning: undefined },
    {
      name: 'moengage_user_id when uid is absent, personless',
      overrides: { uid: undefined },
      distinctId: 'moe-1',
      personless: true,
      warning: undefined,
    },
    {
      name: 'moengage_user_id when uid is "None", personless',
      overrides: { uid: 'None' },
      distinctId: 'moe-1',
      personless: true,
      warning: 'events.0.uid',
    },
    {
      name: 'the device id, personless, when no user id exists',
      overrides: { uid: null, user_attributes: {} },
      distinctId: 'dev-1',
      personless: true,
      warning: undefined,
    },
  ])('takes the distinct_id from $name', ({ overrides, distinctId, personless, warning }) => {
    const result = one(streamsEvent(overrides));
    expect(result).toMatchObject({ ok: true, rejected: [], events: [{ event: { distinct_id: distinctId } }] });
    if (!result.ok) return;
    expect(result.events[0]?.event.properties.$process_person_profile).toBe(personless ? false : undefined);
    expect(result.warnings.map((w) => w.path)).toEqual(warning ? [warning] : []);
  });

  it.each([
    [{ uid: undefined, user_attributes: undefined, device_attributes: undefined }, 'events.0.uid', 'is required'],
    [{ uid: 'x'.repeat(201) }, 'events.0.uid', 'longer than 200'],
    [{ event_name: undefined, event_code: null }, 'events.0.event_name', 'neither event_name nor event_code'],
    [{ event_time: undefined }, 'events.0.event_time', 'is required'],
    [{ event_time: true }, 'events.0.event_time', 'must be epoch seconds'],
    [{ event_time: -99999999999999 }, 'events.0.event_time', '1970'],
    [{ event_attributes: 'campaign' }, 'events.0.event_attributes', 'expected record'],
  ])('rejects %j at %s', (overrides, path, message) => {
    const result = one(streamsEvent(overrides));
    expect(result).toMatchObject({ ok: true, events: [] });
    if (result.ok) expect(result.rejected).toEqual([{ index: 0, errors: [{ path, message: expect.stringContaining(message) }] }]);
  });

  it('rejects an event that is not an object without failing the batch', () => {
    const result = mapStreamsBatch({ events: ['oops', streamsEvent()] }, ctx());
    expect(result).toMatchObject({ ok: true, events: [{ index: 1 }], rejected: [{ index: 0, errors: [{ path: 'events.0' }] }] });
  });

  it.each([
    [1580967474, '2020-02-06T05:37:54.000Z'],
    [1580967474.5, '2020-02-06T05:37:54.500Z'],
    ['1580967474', '2020-02-06T05:37:54.000Z'],
    [1580967474123, '2020-02-06T05:37:54.123Z'],
    ['2020-02-06T05:37:54Z', '2020-02-06T05:37:54.000Z'],
  ])('reads event_time %j as %s (seconds, or milliseconds when clearly ms)', (eventTime, timestamp) => {
    expect(mappedEvent(streamsEvent({ event_time: eventTime })).timestamp).toBe(timestamp);
  });

  it.each([
    { code: 'MOE_EMAIL_SENT', name: 'Email Sent', set: OUTREACH_EVENTS, personless: true },
    { code: 'MOE_EMAIL_OPEN', name: 'Email Opened', set: OUTREACH_EVENTS, personless: false },
    { code: 'NOTIFICATION_CLICKED_MOE', name: 'Notification Clicked Android', set: OUTREACH_EVENTS, personless: false },
    { code: 'MOE_CARD_SENT', name: 'Card Sent', set: ['Card Sent'], personless: true },
    { code: 'MOE_EMAIL_SENT', name: 'Email Sent', set: ['SMS_SENT'], personless: false },
  ])('sends $code ($name) personless: $personless with the configured list', ({ code, name, set, personless }) => {
    const event = mappedEvent(streamsEvent({ event_code: code, event_name: name }), ctx({ personlessEvents: new Set(set) }));
    expect(event.properties.$process_person_profile).toBe(personless ? false : undefined);
  });

  it('keeps the internal moengage_user_id as the $moengage_user_id join property; persons for it only when opted in', () => {
    const internalOnly = streamsEvent({ uid: undefined, event_name: 'Purchase', event_type: 'USER_ACTION_EVENT' });
    expect(mappedEvent(internalOnly).properties).toMatchObject({ $moengage_user_id: 'moe-1', $process_person_profile: false });
    expect(mappedEvent(internalOnly).properties.$set_once).toBeUndefined();
    const optedIn = mappedEvent(internalOnly, ctx({ internalIdPersons: true }));
    expect(optedIn).toMatchObject({
      distinct_id: 'moe-1',
      properties: { $moengage_user_id: 'moe-1', $set_once: { moengage_user_id: 'moe-1' } },
    });
    expect(optedIn.properties.$process_person_profile).toBeUndefined();
    // The device id stays personless whatever the setting.
    const deviceOnly = streamsEvent({ uid: undefined, user_attributes: {} });
    expect(mappedEvent(deviceOnly, ctx({ internalIdPersons: true })).properties.$process_person_profile).toBe(false);
  });

  it.each([
    { setting: 'set_once' as const, key: '$set_once' },
    { setting: 'set' as const, key: '$set' },
    { setting: 'none' as const, key: undefined },
  ])('STREAMS_USER_ATTRIBUTES=$setting puts user attributes under $key', ({ setting, key }) => {
    const user_attributes = { moengage_user_id: 'moe-1', plan: 'gold' };
    const action = { event_type: 'USER_ACTION_EVENT', event_name: 'Purchase', event_code: 'Purchase', user_attributes };
    const properties = mappedEvent(streamsEvent(action), ctx({ userAttributes: setting })).properties;
    for (const other of ['$set', '$set_once'].filter((k) => k !== key)) expect(properties[other]).toBeUndefined();
    if (key) expect(properties[key]).toEqual(user_attributes);
  });

  it('sets user attributes on the person for user actions only (once, by default), and never for personless events', () => {
    const user_attributes = { moengage_user_id: 'moe-1', plan: 'gold' };
    const action = { event_type: 'user_action_event', event_name: 'Purchase', event_code: 'Purchase', user_attributes };
    expect(mappedEvent(streamsEvent(action)).properties.$set_once).toEqual(user_attributes);
    expect(mappedEvent(streamsEvent(action)).properties.$set).toBeUndefined();
    expect(mappedEvent(streamsEvent({ user_attributes })).properties.$set_once).toBeUndefined();
    const deviceOnly = streamsEvent({ ...action, uid: undefined, user_attributes: { plan: 'gold' } });
    expect(mappedEvent(deviceOnly).properties).toMatchObject({ $process_person_profile: false });
    expect(mappedEvent(deviceOnly).properties.$set_once).toBeUndefined();
  });

  it('keeps person-changing keys of event_attributes out, with a warning', () => {
    const result = one(streamsEvent({ event_attributes: { $set: { plan: 'x' }, $process_person_profile: true, ok: 1 } }));
    expect(result).toMatchObject({ ok: true, events: [{ event: { properties: { ok: 1 } } }] });
    if (!result.ok) return;
    expect(result.events[0]?.event.properties.$set).toBeUndefined();
    expect(result.events[0]?.event.properties.$process_person_profile).toBeUndefined();
    expect(result.warnings.map((w) => w.path)).toEqual([
      'events.0.event_attributes.$set',
      'events.0.event_attributes.$process_person_profile',
    ]);
  });

  it('forwards channel addresses only when configured', () => {
    const event = streamsEvent({ email_id: 'ann@example.com', mobile_number: '+15550001', push_id: 'tok' });
    expect(mappedEvent(event).properties).not.toHaveProperty('$moengage_email_id');
    expect(mappedEvent(event, ctx({ includeChannelAddresses: true })).properties).toMatchObject({
      $moengage_email_id: 'ann@example.com',
      $moengage_mobile_number: '+15550001',
      $moengage_push_id: 'tok',
    });
  });

  it('puts device attributes under $moengage_device_ and lets no __proto__ key through', () => {
    const attributes = JSON.parse('{"moengage_device_id":"d","os":"iOS","__proto__":{"polluted":true}}') as unknown;
    const properties = mappedEvent(streamsEvent({ device_attributes: attributes })).properties;
    expect(properties).toMatchObject({ $moengage_device_id: 'd', $moengage_device_os: 'iOS' });
    expect(Object.keys(properties).filter((k) => k.includes('proto'))).toEqual([]);
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('derives the uuid from event_uuid, else moe_request_id and position, else the event content, with a warning', () => {
    expect(mappedEvent(streamsEvent()).uuid).toBe(uuidFromKey('evt-1'));
    const noUuid = streamsEvent({ event_uuid: undefined });
    const fromRequest = one(noUuid);
    expect(fromRequest).toMatchObject({
      ok: true,
      events: [{ event: { uuid: uuidFromKey('req-1#0') } }],
      warnings: [{ path: 'events.0.event_uuid' }],
    });
    const fromContent = one(noUuid, ctx(), { moe_request_id: undefined });
    const again = one(structuredClone(noUuid), ctx(), { moe_request_id: null });
    expect(fromContent).toMatchObject({
      ok: true,
      warnings: [{ path: 'events.0.event_uuid', message: expect.stringContaining('content') }],
    });
    if (!fromContent.ok || !again.ok) return;
    expect(fromContent.events[0]?.event.uuid).toBe(again.events[0]?.event.uuid);
    const other = one(streamsEvent({ event_uuid: undefined, uid: 'other' }), ctx(), { moe_request_id: undefined });
    expect(other).toMatchObject({ ok: true, events: [{ event: { distinct_id: 'other' } }] });
    if (other.ok) expect(other.events[0]?.event.uuid).not.toBe(fromContent.events[0]?.event.uuid);
  });
});

describe('mapStreamsBatch envelope', () => {
  it.each([
    ['a list', [streamsEvent()], '(body)'],
    ['no events', { app_name: 'App' }, 'events'],
    ['events that is not a list', { events: { 0: streamsEvent() } }, 'events'],
  ])('fails the whole body for %s', (_name, body, path) => {
    expect(mapStreamsBatch(body, ctx())).toEqual({ ok: false, errors: [{ path, message: expect.any(String) }] });
  });

  it.each([
    ['MOENGAGE', []],
    ['MoEngage', []],
    [' moengage ', []],
    [null, []],
    ['Segment', ['source']],
  ])('compares source %j without case', (source, warnings) => {
    const result = one(streamsEvent(), ctx(), { source });
    expect(result).toMatchObject({ ok: true, events: [{ index: 0 }] });
    if (result.ok) expect(result.warnings.map((w) => w.path)).toEqual(warnings);
  });

  it('accepts an empty batch with a warning', () => {
    expect(mapStreamsBatch({ events: [] }, ctx())).toEqual({
      ok: true,
      requestId: undefined,
      events: [],
      rejected: [],
      warnings: [{ path: 'events', message: expect.stringContaining('empty') }],
    });
  });
});

describe('mapStreamsBatch properties', () => {
  const jsonRecord = fc.dictionary(
    // `$` keys are the forwarder's own; a `__proto__` key is never let through (see the device attributes test).
    fc.string({ minLength: 1 }).filter((k) => !k.startsWith('$') && k !== '__proto__'),
    fc.jsonValue(),
  );

  it('passes typed event attributes through unchanged (no Jinja coercion: Streams sends typed JSON)', () => {
    fc.assert(
      fc.property(jsonRecord, (attributes) => {
        const properties = mappedEvent(streamsEvent({ event_attributes: attributes })).properties;
        for (const [key, value] of Object.entries(attributes)) expect(properties[key]).toStrictEqual(value);
      }),
    );
  });

  it('gives every event_uuid a valid, stable uuid that differs from other event_uuids', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
        fc.string({ minLength: 1 }),
        (a, b) => {
          const first = mappedEvent(streamsEvent({ event_uuid: a }));
          expect(PostHogEventSchema.safeParse(first).success).toBe(true);
          expect(mappedEvent(streamsEvent({ event_uuid: a })).uuid).toBe(first.uuid);
          if (a.trim() !== b.trim() && b.trim() !== '') expect(mappedEvent(streamsEvent({ event_uuid: b })).uuid).not.toBe(first.uuid);
        },
      ),
    );
  });
});
