import fc from 'fast-check';
import * as z from 'zod/mini';
import { OUTREACH_EVENTS } from '#shared/mapping/outreach-events';
import { encodeBody } from '#shared/queue/message';
import { DEFAULT_STREAMS_OPTIONS, mapStreamsBatch, type StreamsMappingContext } from '#shared/streams/map-streams';
import { StreamsEventSchema } from '#shared/streams/schema';

/**
 * The two fast paths of a Streams batch with many attributes (docs/benchmarks.md, section 7), each held to the code it
 * replaced on generated bodies (fast-check, fixed seed): the attributes schema returns a JSON object as is where the
 * event schema copied it through zod's record, and an intake-owned body's attributes object becomes the properties
 * where they were copied key by key. Bodies are JSON text read by JSON.parse, as the intake reads them, so `__proto__`
 * keys arrive as own properties.
 */

// The event schema as it was: zod's record (a copy, `__proto__` left out) on each attributes field.
const RecordField = z.nullish(z.record(z.string(), z.unknown()));
const RecordEventSchema = z.extend(StreamsEventSchema, {
  event_attributes: RecordField,
  user_attributes: RecordField,
  device_attributes: RecordField,
});

const KEY = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 6 }) },
  fc.constantFrom('__proto__', 'constructor', 'toString', '$set', '$set_once', '$unset', '$process_person_profile'),
  fc.constantFrom('campaign_id', 'moengage_user_id', 'moengage_device_id', '$ip', '$lib', '0', '7', 'a', 'b'),
);
/** JSON text of an object, written key by key (a repeated key keeps its last value, as JSON.parse reads it). */
const objectText = (entries: [string, string][]) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
const jsonText = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v));
const attributesText = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.tuple(KEY, jsonText), { maxLength: 8 }).map(objectText) },
  { weight: 1, arbitrary: jsonText },
);
const FIELD = fc.constantFrom(
  'event_name',
  'event_code',
  'event_uuid',
  'event_time',
  'event_type',
  'uid',
  'email_id',
  'campaign_id',
  'campaign_name',
  'extra',
);
const FIELD_VALUE = fc.oneof(
  fc.constantFrom('"Viewed"', '"USER_ACTION_EVENT"', '"CAMPAIGN_EVENT"', '1764000000', '"2026-11-29T03:00:00Z"', '"u1"'),
  fc.constantFrom('"MOE_EMAIL_CLICK"', '"Email Clicked"', 'null', '""', '"x"', '12'),
);
/** An event's JSON text: `head` (fields written first, which later ones may override), then generated fields. */
const eventText = (head: [string, string][]) =>
  fc
    .record({
      fields: fc.array(fc.tuple(FIELD, FIELD_VALUE), { maxLength: 7 }),
      attributes: fc.array(fc.tuple(fc.constantFrom('event_attributes', 'user_attributes', 'device_attributes'), attributesText), {
        maxLength: 3,
      }),
    })
    .map(({ fields, attributes }) => objectText([...head, ...fields, ...attributes]));

/** Everything a parse result shows: its JSON (key order included), and which attributes objects keep `__proto__`. */
function outcome(result: { success: true; data: unknown } | { success: false; error: z.core.$ZodError }) {
  if (!result.success) return { issues: result.error.issues.map(({ code, path, message }) => ({ code, path, message })) };
  const data = result.data as Record<string, unknown>;
  const fields = ['event_attributes', 'user_attributes', 'device_attributes'].map((field) => {
    const value = data[field];
    return typeof value === 'object' && value !== null
      ? { proto: Object.getPrototypeOf(value), own: Object.hasOwn(value, '__proto__') }
      : value;
  });
  return { json: JSON.stringify(data), keys: Object.keys(data), fields };
}

describe('the event attributes schema', () => {
  it('parses every generated event as zod record did: same data, same issues (fast-check, seed 19)', () => {
    const seen = { protoKey: 0, failed: 0 };
    fc.assert(
      fc.property(eventText([]), (text) => {
        const now = outcome(StreamsEventSchema.safeParse(JSON.parse(text)));
        expect(now).toStrictEqual(outcome(RecordEventSchema.safeParse(JSON.parse(text))));
        if (text.includes('"__proto__":')) seen.protoKey++;
        if ('issues' in now) seen.failed++;
      }),
      { seed: 19, numRuns: 2000 },
    );
    // The generator reached both the cases the fast path hands to zod's record and the ones zod refuses.
    expect(seen.protoKey).toBeGreaterThan(100);
    expect(seen.failed).toBeGreaterThan(100);
  });

  it.each([
    ['an object without a prototype', Object.assign(Object.create(null), { a: 1, __proto__: 2 })],
    ['a Date', new Date(0)],
    ['a Map', new Map([['a', 1]])],
    [
      'a class instance',
      new (class Attributes {
        a = 1;
      })(),
    ],
    ['a list', [1, 2]],
    ['a string', 'campaign'],
  ])('treats %s as zod record did', (_, value) => {
    const event = { event_name: 'Viewed', event_time: 1764000000, uid: 'u1', event_attributes: value };
    expect(outcome(StreamsEventSchema.safeParse(event))).toStrictEqual(outcome(RecordEventSchema.safeParse(event)));
  });
});

const context = (ownsBody: boolean, options: Partial<StreamsMappingContext>): StreamsMappingContext => ({
  ...DEFAULT_STREAMS_OPTIONS,
  libVersion: '0.0.0-test',
  personlessEvents: new Set(OUTREACH_EVENTS),
  ...options,
  ownsBody,
});
const options = fc.record({
  eventName: fc.constantFrom('event_name' as const, 'event_code' as const),
  includeChannelAddresses: fc.boolean(),
  userAttributes: fc.constantFrom('set_once' as const, 'set' as const, 'none' as const),
  internalIdPersons: fc.boolean(),
});
/** A valid event's fields, so that most generated events are mapped (the generated fields may still spoil them). */
const VALID: [string, string][] = [
  ['event_name', '"Viewed"'],
  ['event_time', '1764000000'],
  ['uid', '"u1"'],
];
const batchText = fc
  .record({ requestId: fc.option(fc.constantFrom('"req-1"', '7')), events: fc.array(eventText(VALID), { maxLength: 5 }) })
  .map(({ requestId, events }) => `{${requestId === null ? '' : `"moe_request_id":${requestId},`}"events":[${events.join(',')}]}`);

describe('an intake-owned body (ownsBody)', () => {
  it('maps every generated batch to what the copying mapping gives, byte for byte once queued (fast-check, seed 19)', () => {
    let inPlace = 0;
    fc.assert(
      fc.property(batchText, options, (text, settings) => {
        const copied = mapStreamsBatch(JSON.parse(text), context(false, settings));
        const body = JSON.parse(text) as { events: Array<{ event_attributes?: unknown }> };
        const owned = mapStreamsBatch(body, context(true, settings));
        expect(JSON.stringify(owned)).toBe(JSON.stringify(copied));
        if (!owned.ok || !copied.ok) return;
        owned.events.forEach(({ event, index }, i) => {
          expect(encodeBody(event)).toBe(encodeBody(copied.events[i]?.event));
          if (event.properties === body.events[index]?.event_attributes) inPlace++;
        });
      }),
      { seed: 19, numRuns: 1000 },
    );
    // Many events took the in-place path (the rest had campaign fields, person keys or no attributes object).
    expect(inPlace).toBeGreaterThan(100);
  });
});
