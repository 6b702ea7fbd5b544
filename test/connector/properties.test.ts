import fc from 'fast-check';
import { coerceString, coerceValue } from '#shared/mapping/coerce';
import { handleIntake } from '#shared/intake/router';
import { type MappingContext, mapConnectorBody } from '#shared/connector/map-connector';
import { OUTREACH_EVENTS } from '#shared/mapping/outreach-events';
import { parseForm, parseRequestBody } from '#shared/intake/request-body';
import { templateProblem } from '#shared/mapping/template-hygiene';
import { bearer, httpApiEvent } from '../support/events.ts';
import { intakeDeps, TOKEN } from './support/intake-deps.ts';

// A fixed seed keeps the suite deterministic; change it locally to explore more inputs.
fc.configureGlobal({ seed: 20261123 });

const ctx = (now: Date): MappingContext => ({
  now,
  libVersion: '0.1.0',
  configuredApiKey: 'phc_forwarder_project_key',
  personlessEvents: new Set(OUTREACH_EVENTS),
  strict: false,
});
const NOW = new Date('2026-11-23T16:00:00.000Z');

/** Strings Jinja/MoEngage could plausibly render, mixed with arbitrary Unicode. */
const renderedString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('None', 'True', 'false', '', '{{x}}', '{% y %}', '__proto__', 'constructor', '\u0000', '\ud800'),
  fc.double({ noNaN: true }).map(String),
  fc.integer().map(String),
  fc
    .array(fc.oneof(fc.string(), fc.integer()), { maxLength: 4 })
    .map((items) => `[${items.map((i) => (typeof i === 'string' ? `'${i}'` : i)).join(', ')}]`),
);
const key = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'user_id', 'amount', '$set', 'distinct_id', ''));
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    renderedString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
})).value;
/** Bodies shaped like connector requests, with any field replaced by anything. */
const connectorBody = fc.record(
  {
    event: fc.oneof(renderedString, jsonish),
    distinct_id: fc.oneof(renderedString, fc.integer(), jsonish),
    properties: fc.oneof(fc.dictionary(key, jsonish, { maxKeys: 6 }), jsonish),
    $set: fc.oneof(fc.dictionary(key, jsonish, { maxKeys: 4 }), jsonish),
    timestamp: fc.oneof(renderedString, fc.integer(), fc.double()),
    uuid: fc.oneof(fc.uuid(), renderedString),
    $insert_id: jsonish,
    api_key: jsonish,
  },
  { requiredKeys: [] },
);
const anyBody = fc.oneof(jsonish, connectorBody, fc.record({ batch: fc.oneof(fc.array(connectorBody, { maxLength: 3 }), jsonish) }));

describe('properties', () => {
  it('the mapper returns events or errors for any JSON value, never throws', () => {
    fc.assert(
      fc.property(anyBody, (body) => {
        const result = mapConnectorBody(JSON.parse(JSON.stringify(body)), ctx(NOW));
        if (result.ok) {
          expect(result.events.length).toBeGreaterThan(0);
          for (const event of result.events) {
            expect(event.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
            expect(JSON.parse(JSON.stringify(event))).toEqual(event);
          }
        } else {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) expect(error).toEqual({ path: expect.any(String), message: expect.any(String) });
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('the handler answers 200 or a 4xx to any authenticated body, never a 5xx, and queues only on 200', async () => {
    const body = fc.oneof(
      anyBody.map((value) => JSON.stringify(value)),
      fc.string(),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    );
    const contentType = fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=b',
      'text/html',
    );
    await fc.assert(
      fc.asyncProperty(body, contentType, fc.constantFrom(undefined, '1'), async (text, type, dryRun) => {
        const deps = intakeDeps();
        const event = httpApiEvent({
          body: text,
          headers: { ...bearer(TOKEN), 'content-type': type },
          ...(dryRun && { query: { dry_run: dryRun } }),
        });
        const response = await handleIntake(event, deps);
        expect([200, 400, 413, 415]).toContain(response.statusCode);
        expect(deps.queue.messages.length > 0).toBe(response.statusCode === 200 && dryRun === undefined);
        expect(deps.logger.lines).toHaveLength(1);
      }),
      { numRuns: 500 },
    );
  });

  it('the body parser returns a value or a 4xx for any bytes and content type', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', '', 'image/png'),
        (bytes, contentType) => {
          const result = parseRequestBody({ body: Buffer.from(bytes).toString('base64'), isBase64Encoded: true, contentType }, 150);
          if (!result.ok) expect([400, 413, 415]).toContain(result.status);
        },
      ),
    );
  });

  it('coercion never alters a string that is not Python’s rendering of a number, boolean or list', () => {
    fc.assert(
      fc.property(renderedString, (s) => {
        const out = coerceString(s);
        if (typeof out === 'string') expect(out).toBe(s);
        else if (typeof out === 'boolean') expect(['True', 'False', 'true', 'false']).toContain(s);
        else if (typeof out === 'number') expect([String(out), `${out}.0`]).toContain(s);
        else {
          expect(Array.isArray(out)).toBe(true);
          expect(s.startsWith('[') && s.endsWith(']')).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('coercion never changes a value under an id-like key', () => {
    fc.assert(
      fc.property(fc.constantFrom('id', 'user_id', 'userId', 'phone', 'zip', 'postal_code', 'Customer ID'), jsonish, (k, v) => {
        expect(coerceValue(k, v)).toBe(v);
      }),
    );
  });

  it('a re-sent body maps to the same uuids at any later intake time; another position in the request, another uuid', () => {
    fc.assert(
      fc.property(
        connectorBody,
        fc.date({ min: new Date(0), max: new Date('9999-01-01'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 3_600_000 }),
        (body, now, laterMs) => {
          const first = mapConnectorBody(structuredClone(body), ctx(now));
          expect(mapConnectorBody(structuredClone(body), ctx(now))).toEqual(first);
          const retry = mapConnectorBody(structuredClone(body), ctx(new Date(now.getTime() + laterMs)));
          if (!first.ok || !retry.ok) return;
          expect(retry.events.map((e) => e.uuid)).toEqual(first.events.map((e) => e.uuid));
          const pair = mapConnectorBody({ batch: [structuredClone(body), structuredClone(body)] }, ctx(now));
          const [a, b] = pair.ok ? pair.events : [];
          const keptUuid = typeof body.uuid === 'string' && a?.uuid === body.uuid.trim().toLowerCase();
          if (a && b && a.properties.$insert_id === undefined && !keptUuid) expect(b.uuid).not.toBe(a.uuid);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('an accepted event never carries template text or an empty-like value', () => {
    fc.assert(
      fc.property(connectorBody, (body) => {
        const result = mapConnectorBody(JSON.parse(JSON.stringify(body)), ctx(NOW));
        if (!result.ok) return;
        const strings: string[] = [];
        const walk = (v: unknown): void => {
          if (typeof v === 'string') strings.push(v);
          else if (Array.isArray(v)) v.forEach(walk);
          else if (v && typeof v === 'object') Object.values(v).forEach(walk);
        };
        walk(result.events);
        for (const s of strings) expect(templateProblem(s)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('no input pollutes Object.prototype', () => {
    fc.assert(
      fc.property(anyBody, fc.string(), (body, form) => {
        mapConnectorBody(JSON.parse(JSON.stringify(body)), ctx(NOW));
        parseForm(`__proto__.x=1&properties.__proto__=2&${form}`);
        expect(Object.keys(Object.prototype)).toEqual([]);
        expect(({} as Record<string, unknown>).x).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});
