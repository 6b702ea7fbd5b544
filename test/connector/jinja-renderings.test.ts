import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { MAX_REPAIR_CHARS, readLenientJson } from '#shared/intake/lenient-json';
import { handleIntake } from '#shared/intake/router';
import { bearer, httpApiEvent } from '../support/events.ts';
import { intakeDeps, TOKEN } from './support/intake-deps.ts';

/** Bodies rendered by real Jinja2 (test/fixtures/jinja/generate.py): a quoted and an unquoted ("raw") template. */
const { renderings } = JSON.parse(readFileSync(new URL('../fixtures/jinja/renderings.json', import.meta.url), 'utf8')) as {
  renderings: Array<{ name: string; python: string; body: string }>;
};

const ABSENT = Symbol('absent');
type Expected = { value: unknown; repaired?: string } | { rejected: string };
const REPAIRED_BODY = '(body)';

/** What PostHog receives as `properties.value` (or the 400), for each rendering. */
const EXPECTED: Record<string, Expected> = {
  'quoted/str': { value: 'pro' },
  'quoted/int': { value: 42 },
  'quoted/float': { value: 19.99 },
  'quoted/float_whole': { value: 20 },
  'quoted/float_exponent': { value: 1e16 },
  'quoted/float_small_exponent': { value: 1.5e-7 },
  'quoted/float_inf': { value: 'inf' },
  'quoted/bool': { value: true },
  'quoted/none': { value: ABSENT },
  'quoted/list': { value: ['a', 'b'] },
  'quoted/list_apostrophe': { rejected: 'likely cause: an unescaped quote (") in an attribute value' },
  'quoted/tuple': { value: [1, 2] },
  'quoted/dict': { value: { plan: 'pro', seats: 3 } },
  'quoted/datetime': { value: '2026-11-28 10:00:00' },
  'quoted/unicode': { value: 'Zoë 🎉' },
  'quoted/newline': { value: '1 Main St\nFlat 2', repaired: 'properties.value' },
  'quoted/tab': { value: 'a\tb', repaired: 'properties.value' },
  'quoted/quotes': { value: 'The "Pro" plan', repaired: 'properties.value' },
  'quoted/backslash': { rejected: 'cannot be repaired without dropping part of it' },
  // Valid JSON with another meaning: `\t` is a tab escape. Nothing can tell it from an intended tab (docs/mapping.md).
  'quoted/backslash_valid_escape': { value: 'C:\temp' },
  'raw/str': { value: 'pro', repaired: REPAIRED_BODY },
  'raw/int': { value: 42 },
  'raw/float': { value: 19.99 },
  'raw/float_whole': { value: 20 },
  'raw/float_exponent': { value: 1e16 },
  'raw/float_small_exponent': { value: 1.5e-7 },
  'raw/float_inf': { value: 'inf', repaired: REPAIRED_BODY },
  'raw/bool': { value: true, repaired: REPAIRED_BODY },
  'raw/none': { value: ABSENT, repaired: REPAIRED_BODY },
  'raw/list': { value: ['a', 'b'], repaired: REPAIRED_BODY },
  'raw/list_apostrophe': { value: ["O'Brien", 'Lee'], repaired: REPAIRED_BODY },
  'raw/tuple': { rejected: 'likely cause: an unescaped quote (") in an attribute value' },
  'raw/dict': { value: { plan: 'pro', seats: 3 }, repaired: REPAIRED_BODY },
  'raw/datetime': { value: '2026-11-28 10:00:00', repaired: REPAIRED_BODY },
  'raw/unicode': { value: 'Zoë 🎉', repaired: REPAIRED_BODY },
  'raw/newline': { rejected: 'cannot be repaired without dropping part of it' },
  'raw/tab': { value: 'a\tb', repaired: 'properties.value' },
  'raw/quotes': { rejected: 'cannot be repaired without dropping part of it' },
  'raw/backslash': { value: 'C:\\Users\\ann', repaired: 'properties.value' },
  'raw/backslash_valid_escape': { value: 'C:\\temp', repaired: 'properties.value' },
};

const dryRun = (body: string, strict = false) => {
  const deps = intakeDeps();
  deps.config = { ...deps.config, strict };
  return handleIntake(
    httpApiEvent({ body, headers: { ...bearer(TOKEN), 'content-type': 'application/json' }, query: { dry_run: '1' } }),
    deps,
  );
};

describe('connector bodies rendered by real Jinja2 (Python str() of each attribute type)', () => {
  it('covers every rendering in the fixture', () => {
    expect(renderings.map((r) => r.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(renderings.map((r) => [r.name, r.python, r.body] as const))('%s (%s)', async (name, _python, body) => {
    const expected = EXPECTED[name] as Expected;
    const response = await dryRun(body);
    const answer = JSON.parse(response.body) as {
      events?: Array<{ properties: Record<string, unknown> }>;
      warnings?: Array<{ path: string; message: string }>;
      errors?: Array<{ path: string; message: string }>;
    };
    if ('rejected' in expected) {
      expect(response.statusCode).toBe(400);
      expect(answer.errors).toEqual([{ path: '(body)', message: expect.stringContaining(expected.rejected) }]);
      expect(answer.errors?.[0]?.message).toMatch(
        /^is not valid JSON \(at (line \d+ column \d+|an unexpected character)\);.*Fix the template/,
      );
      return;
    }
    expect(response.statusCode).toBe(200);
    const properties = answer.events?.[0]?.properties ?? {};
    if (expected.value === ABSENT) expect(properties).not.toHaveProperty('value');
    else expect(properties.value).toEqual(expected.value);
    const repairs = (answer.warnings ?? []).filter((w) => w.message.startsWith('repaired:')).map((w) => w.path);
    expect(repairs).toEqual(expected.repaired ? [expected.repaired] : []);
  });

  it('turns every repair into a 400 naming it under STRICT_MODE', async () => {
    const body = renderings.find((r) => r.name === 'quoted/quotes')?.body ?? '';
    const response = await dryRun(body, true);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).errors[0].message).toContain(
      'STRICT_MODE refuses repairs: properties.value repaired: an unescaped quote',
    );
  });
});

describe('readLenientJson', () => {
  it('never changes a body that is already valid JSON (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const read = readLenientJson(text, false);
        expect(read).toEqual({ ok: true, value: JSON.parse(text), repairs: [] });
      }),
      { seed: 20261128, numRuns: 300 },
    );
  });

  it('never completes a body that was cut short', () => {
    expect(readLenientJson('{"event":"x","properties":{"a":"b"', false)).toMatchObject({
      ok: false,
      message: expect.stringContaining('cut short'),
    });
  });

  it('repairs a body up to MAX_REPAIR_CHARS and only reads larger ones as valid JSON (the repair costs CPU per KiB)', () => {
    // A raw tab pasted into a value: repaired at the limit, refused one character above it; valid JSON of any size is read.
    const body = (length: number) => {
      const head = '{"event":"x","distinct_id":"u","properties":{"note":"a\tb","pad":"';
      return `${head}${'p'.repeat(length - head.length - 3)}"}}`;
    };
    expect(body(MAX_REPAIR_CHARS)).toHaveLength(MAX_REPAIR_CHARS);
    expect(readLenientJson(body(MAX_REPAIR_CHARS), false)).toMatchObject({ ok: true, repairs: [{ path: 'properties.note' }] });
    expect(readLenientJson(body(MAX_REPAIR_CHARS + 1), false)).toEqual({
      ok: false,
      message: expect.stringMatching(/^is not valid JSON \(.*\); a body over 128 KiB is never repaired\. Fix the template: /),
    });
    const valid = JSON.stringify({ event: 'x', distinct_id: 'u', properties: { pad: 'p'.repeat(MAX_REPAIR_CHARS) } });
    expect(readLenientJson(valid, false)).toMatchObject({ ok: true, repairs: [] });
  });
});
