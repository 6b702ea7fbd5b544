import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { type MappingContext, mapConnectorBody } from '#shared/connector/map-connector';
import { DEFAULT_STREAMS_OPTIONS, type StreamsMappingContext } from '#shared/streams/map-streams';
import { OUTREACH_EVENTS } from '#shared/mapping/outreach-events';
import type { PostHogEvent } from '#shared/posthog/event';

/** The benchmarks' fixed inputs: deterministic, so every run and every way delivers exactly the same events. */

export const BENCH_API_KEY = 'phc_benchmark_project_key';
export const BENCH_NOW = new Date('2026-11-23T12:00:00.000Z');

/** A deterministic v4-shaped uuid for item `i` of a series (benchmarks need distinct, repeatable ids). */
export function benchUuid(series: string, i: number): string {
  const h = createHash('sha256').update(`${series}#${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The README's sample request: one event, two Jinja-rendered properties. */
export function smallConnectorBody(i: number): string {
  return JSON.stringify({
    event: 'purchase_completed',
    distinct_id: `user-${i % 5000}`,
    timestamp: '2026-11-23T11:59:00Z',
    properties: { amount: '19.99', currency: 'EUR' },
  });
}

/** A wide connector request: 50 properties of the kinds MoEngage templates render (numbers, booleans, lists as text). */
export function wideConnectorBody(i: number): string {
  const properties: Record<string, unknown> = {};
  for (let p = 0; p < 50; p++) {
    const kind = p % 5;
    properties[`attribute_${p}`] =
      kind === 0
        ? `value ${p} for user ${i}`
        : kind === 1
          ? `${(p * 1.25).toFixed(2)}`
          : kind === 2
            ? 'True'
            : kind === 3
              ? "['a', 'b', 'c']"
              : p * 7;
  }
  properties.customer_id = `0${i}`;
  return JSON.stringify({
    event: 'checkout_step_viewed',
    distinct_id: `user-${i % 5000}`,
    timestamp: 1_795_435_140,
    properties,
    $set: { plan: 'gold', country: 'DE' },
  });
}

export const mappingContext = (): MappingContext => ({
  now: BENCH_NOW,
  libVersion: 'bench',
  configuredApiKey: BENCH_API_KEY,
  personlessEvents: new Set(OUTREACH_EVENTS),
  strict: false,
});

export const streamsContext: StreamsMappingContext = {
  libVersion: 'bench',
  personlessEvents: new Set(OUTREACH_EVENTS),
  ...DEFAULT_STREAMS_OPTIONS,
};

const FIXTURE = new URL('../test/fixtures/streams/batch.json', import.meta.url);

/** A Streams batch of `size` events: the valid events of the test fixture in turn, each with its own event_uuid. */
export function streamsBatchBody(batch: number, size = 100): string {
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { events: Array<Record<string, unknown>> } & Record<string, unknown>;
  const valid = fixture.events.slice(0, 5);
  const events = Array.from({ length: size }, (_, i) => ({ ...valid[i % valid.length], event_uuid: benchUuid(`streams-${batch}`, i) }));
  return JSON.stringify({ ...fixture, moe_request_id: benchUuid('streams-request', batch), events });
}

/**
 * `count` PostHog events exactly as the intake would queue them: a typical connector request (ten properties)
 * mapped by mapConnectorBody, each with its own uuid.
 */
export function queuedEvents(count: number): PostHogEvent[] {
  const events: PostHogEvent[] = [];
  for (let i = 0; i < count; i++) {
    const body = {
      event: i % 4 === 0 ? 'Email Opened' : 'purchase_completed',
      distinct_id: `user-${i % 5000}`,
      uuid: benchUuid('queued', i),
      timestamp: '2026-11-23T11:59:00Z',
      properties: {
        amount: '19.99',
        currency: 'EUR',
        item_count: '3',
        coupon: 'WINTER24',
        campaign_name: 'Winter Sale',
        campaign_channel: 'Email',
        campaign_id: '353df897hkbh67658',
        platform: 'ANDROID',
        app_version: '4.2.0',
        first_purchase: 'False',
      },
    };
    const mapped = mapConnectorBody(body, mappingContext());
    if (!mapped.ok) throw new Error(`benchmark workload does not map: ${JSON.stringify(mapped.errors)}`);
    events.push(...mapped.events);
  }
  return events;
}
