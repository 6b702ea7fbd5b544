import { extractToken, isAuthorized } from '#shared/intake/auth';
import { coerceString, coerceValue, isIdLikeKey } from '#shared/mapping/coerce';
import { parsePythonLiteral, pythonFloatRepr } from '#shared/mapping/python-literal';
import { checkStructure } from '#shared/mapping/input-limits';
import { type MappingContext, mapConnectorBody } from '#shared/connector/map-connector';
import { OUTREACH_EVENTS } from '#shared/mapping/outreach-events';
import { parseForm, parseRequestBody } from '#shared/intake/request-body';
import { templateProblem } from '#shared/mapping/template-hygiene';
import { normalizeTimestamp } from '#shared/mapping/timestamp';

const ctx = (overrides: Partial<MappingContext> = {}): MappingContext => ({
  now: new Date('2026-11-23T16:00:00.000Z'),
  libVersion: '0.1.0',
  configuredApiKey: 'phc_forwarder_project_key',
  personlessEvents: new Set(OUTREACH_EVENTS),
  strict: false,
  ...overrides,
});

describe('coerceString (Jinja renders every value with Python str())', () => {
  it.each<[string, unknown]>([
    ['19.99', 19.99],
    ['42', 42],
    ['-7', -7],
    ['0', 0],
    ['0.5', 0.5],
    ['100.0', 100],
    ['True', true],
    ['False', false],
    ['true', true],
    ['false', false],
    ["['a', 'b']", ['a', 'b']],
    ['[1, 2.5, None, True]', [1, 2.5, null, true]],
    ['[]', []],
    ["[\"it's\", 'x']", ["it's", 'x']],
    ["['line\\nbreak']", ['line\nbreak']],
    ['9007199254740991', 9007199254740991],
    // Python float reprs, tuples and dicts (str() of a float, tuple or dict attribute).
    ['1e+16', 1e16],
    ['1.5e-07', 1.5e-7],
    ['-2.5e+20', -2.5e20],
    ['(1, 2)', [1, 2]],
    ["('a',)", ['a']],
    ["{'plan': 'pro', 'seats': 3}", { plan: 'pro', seats: 3 }],
    ["{'tags': ['a', 'b'], 'trial': False, 'coupon': None}", { tags: ['a', 'b'], trial: false, coupon: null }],
    ["[\"O'Brien\", 'Lee']", ["O'Brien", 'Lee']],
    ['[[1]]', [[1]]],
    // Kept as strings: not Python's rendering of a number, boolean or list.
    ['01234', '01234'],
    ['007', '007'],
    ['+5', '+5'],
    [' 5', ' 5'],
    ['5 ', '5 '],
    ['1.10', '1.10'],
    ['49.90', '49.90'],
    ['-0', '-0'],
    ['1e5', '1e5'],
    ['.5', '.5'],
    ['5.', '5.'],
    ['9007199254740993', '9007199254740993'],
    ['12345678901234567890', '12345678901234567890'],
    ['TRUE', 'TRUE'],
    ['yes', 'yes'],
    ['constructor', 'constructor'],
    ['toString', 'toString'],
    ['__proto__', '__proto__'],
    ["['a', 'b'", "['a', 'b'"],
    ["['a',]", "['a',]"],
    ["['a' 'b']", "['a' 'b']"],
    ['[01]', '[01]'],
    ["['\\x00']", "['\\x00']"],
    ['inf', 'inf'],
    ['nan', 'nan'],
    ['1e+5', '1e+5'],
    ["{'a': inf}", "{'a': inf}"],
    ["{'a' 'b'}", "{'a' 'b'}"],
    ['{1, 2}', '{1, 2}'],
    ['(1, 2,)', '(1, 2,)'],
  ])('%j → %j', (input, expected) => {
    expect(coerceString(input)).toEqual(expected);
  });
});

describe('isIdLikeKey (values under these keys are never coerced)', () => {
  it.each([
    'id',
    'ID',
    'uid',
    'uuid',
    'user_id',
    'USER_ID',
    'user-id',
    'user.id',
    'Customer Id',
    'userId',
    'userID',
    '$anon_distinct_id',
    'distinct_id',
    'phone',
    'Mobile Number (Standard)',
    'mobileNumber',
    'zip',
    'zipcode',
    'postal_code',
    'postcode',
    'pincode',
  ])('%s is id-like', (key) => {
    expect(isIdLikeKey(key)).toBe(true);
  });
  it.each(['amount', 'paid', 'valid', 'Android', 'width', 'video', 'price', 'quantity'])('%s is not', (key) => {
    expect(isIdLikeKey(key)).toBe(false);
  });
  it('applies at any depth: inside objects and to list elements', () => {
    expect(coerceValue('cart', { order_id: '0042', total: '3.5', phones: ['0123'], sizes: ['40', '41'] })).toEqual({
      order_id: '0042',
      total: 3.5,
      phones: ['0123'],
      sizes: [40, 41],
    });
  });
  it('parses Python literals only when the whole value is one', () => {
    expect(parsePythonLiteral("['a', 'b'] and more")).toBeUndefined();
    expect(parsePythonLiteral("{'a': 1} x")).toBeUndefined();
  });
  it.each([1e16, 1.5e-7, 0.0001, 1e15, 19.99, 100, -0.5, 123456789.123])('writes %p as Python repr() does', (n) => {
    const expected = {
      1e16: '1e+16',
      1.5e-7: '1.5e-07',
      0.0001: '0.0001',
      1e15: '1000000000000000.0',
      19.99: '19.99',
      100: '100.0',
      [-0.5]: '-0.5',
      123456789.123: '123456789.123',
    }[n];
    expect(pythonFloatRepr(n)).toBe(expected);
  });
});

describe('templateProblem (unrendered, empty-like and unstorable values)', () => {
  it.each<[unknown, string | undefined]>([
    ["{{UserAttribute['First Name']}}", 'unrendered'],
    ["Hi {{UserAttribute['First Name']|default('there')}}!", 'unrendered'],
    ['{% MOE_NOT_SEND("no email") %}', 'unrendered'],
    ['', 'empty'],
    ['   ', 'empty'],
    ['None', 'empty'],
    ['null', 'empty'],
    ['NULL', 'empty'],
    ['undefined', 'empty'],
    [null, 'empty'],
    ['a\u0000b', 'nul'],
    ['\ud800', 'invalid_unicode'],
    ['x\udc00', 'invalid_unicode'],
    ['x'.repeat(65_537), 'too_long'],
    ['x'.repeat(65_536), undefined],
    ['😀 emoji are fine', undefined],
    ['{ not a template }', undefined],
    ['Nonesuch', undefined],
    [0, undefined],
    [false, undefined],
  ])('%j → %s', (value, expected) => {
    expect(templateProblem(value)).toBe(expected);
  });
});

describe('normalizeTimestamp', () => {
  it.each<[string | number, string]>([
    ['2026-11-23T10:15:00Z', '2026-11-23T10:15:00.000Z'],
    ['2026-11-23T10:15:00.123456+05:30', '2026-11-23T04:45:00.123Z'],
    ['2026-11-23T10:15:00+0530', '2026-11-23T04:45:00.000Z'],
    ['2026-11-23 10:15:00', '2026-11-23T10:15:00.000Z'],
    ['2026-11-23', '2026-11-23T00:00:00.000Z'],
    [1795449600, '2026-11-23T16:00:00.000Z'],
    ['1795449600', '2026-11-23T16:00:00.000Z'],
    [1795449600.5, '2026-11-23T16:00:00.500Z'],
    [1795449600123, '2026-11-23T16:00:00.123Z'],
    ['1795449600123', '2026-11-23T16:00:00.123Z'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeTimestamp(input)).toEqual({ ok: true, value: expected });
  });
  it.each<[string | number, string]>([
    ['yesterday', 'is not an ISO 8601 date-time'],
    ['2026-02-30T00:00:00Z', 'is not a calendar date'],
    ['2026-13-01', 'is not a calendar date'],
    ['23/11/2026', 'is not an ISO 8601'],
    [-5, 'outside the years 1970–9999'],
    ['1e12', 'is not an ISO 8601'],
  ])('refuses %j', (input, message) => {
    expect(normalizeTimestamp(input)).toEqual({ ok: false, message: expect.stringContaining(message) });
  });
});

describe('parseForm and parseRequestBody', () => {
  it.each<[string, Record<string, unknown>]>([
    ['event=Purchase&distinct_id=u-1', { event: 'Purchase', distinct_id: 'u-1' }],
    ['properties.amount=19.99&properties.plan=pro', { properties: { amount: '19.99', plan: 'pro' } }],
    ['properties%5Bamount%5D=5', { properties: { amount: '5' } }],
    ['%24set.email=a%40example.com&%24set_once.first=x', { $set: { email: 'a@example.com' }, $set_once: { first: 'x' } }],
    ['properties.tags=a&properties.tags=b&properties.tags=c', { properties: { tags: ['a', 'b', 'c'] } }],
    ['properties.a.b=1', { properties: { 'a.b': '1' } }],
    ['event=Hello+World', { event: 'Hello World' }],
    ['context.page=x', { 'context.page': 'x' }],
  ])('%s', (text, expected) => {
    expect(parseForm(text)).toEqual(expected);
  });
  it('keeps __proto__ form fields as data, never as a prototype', () => {
    const parsed = parseForm('__proto__.polluted=1&properties.__proto__=x&properties.ok=1');
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(parsed.properties)).toBe(Object.prototype);
  });
  it.each<[string, string | undefined, string]>([
    ['{"event":"x"}', 'application/json', 'json'],
    ['{"event":"x"}', 'application/json; charset=utf-8', 'json'],
    ['{"event":"x"}', 'text/plain', 'json'],
    ['{"event":"x"}', undefined, 'json'],
    ['{"event":"x"}', 'application/vnd.moengage+json', 'json'],
    ['{"event":"x"}', 'application/x-www-form-urlencoded', 'json'],
    ['\ufeff{"event":"x"}', 'application/json', 'json'],
    ['event=x', 'application/x-www-form-urlencoded', 'form'],
    ['event=x', 'text/plain', 'form'],
  ])('reads %j sent as %s as %s', (body, contentType, format) => {
    expect(parseRequestBody({ body, isBase64Encoded: false, contentType }, 1024)).toMatchObject({ ok: true, format });
  });
  it('reads a multipart/form-data body as encoded by a real client (fetch FormData)', async () => {
    const form = new FormData();
    form.append('event', 'Purchase');
    form.append('distinct_id', 'user-123');
    form.append('properties.amount', '19.99');
    form.append('properties.note', 'line one\r\nline two');
    form.append('$set[plan]', 'pro');
    const request = new Request('http://127.0.0.1/', { method: 'POST', body: form });
    const body = await request.text();
    const contentType = request.headers.get('content-type') ?? '';
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(parseRequestBody({ body, isBase64Encoded: false, contentType }, 4096)).toEqual({
      ok: true,
      format: 'form',
      value: {
        event: 'Purchase',
        distinct_id: 'user-123',
        properties: { amount: '19.99', note: 'line one\r\nline two' },
        $set: { plan: 'pro' },
      },
    });
  });

  it('decodes base64 bodies (API Gateway sends binary content types so)', () => {
    const body = Buffer.from('{"event":"x","distinct_id":"u"}').toString('base64');
    expect(parseRequestBody({ body, isBase64Encoded: true, contentType: 'application/json' }, 1024)).toEqual({
      ok: true,
      format: 'json',
      value: { event: 'x', distinct_id: 'u' },
    });
  });
});

describe('mapping rules that need more than one field', () => {
  const map = (body: unknown, overrides: Partial<MappingContext> = {}) => mapConnectorBody(body, ctx(overrides));

  it('turns dropped properties into errors in strict mode', () => {
    expect(map({ event: 'x', distinct_id: 'u', properties: { plan: '{{UserAttribute["Plan"]}}' } }, { strict: true })).toEqual({
      ok: false,
      errors: [{ path: 'properties.plan', message: expect.stringContaining('unrendered') }],
    });
  });

  // Expected uuids computed independently with Python:
  // uuid.uuid5(UUID('a3c5e0f2-…'), json.dumps(['insert_id', 'x', 'u', 'order-1'], separators=(',', ':'))).
  it('derives the uuid from $insert_id, top level or in properties, and keeps it as a property', () => {
    const top = map({ event: 'x', distinct_id: 'u', $insert_id: 'order-1' });
    const inside = map({ event: 'x', distinct_id: 'u', properties: { $insert_id: 'order-1' } });
    expect(top).toEqual(inside);
    expect(top).toMatchObject({
      ok: true,
      events: [{ uuid: '7a440d88-f431-536f-a61a-b2487f4e0f17', properties: { $insert_id: 'order-1' } }],
    });
  });

  it('gives the same $insert_id on two events or two persons different uuids, and one event the same uuid every time', () => {
    const uuidOf = (body: Record<string, unknown>) => {
      const result = map(body);
      if (!result.ok) throw new Error('expected a mapped event');
      return result.events[0]?.uuid;
    };
    const completed = uuidOf({ event: 'order_completed', distinct_id: 'u1', $insert_id: 'ORD-1' });
    expect(uuidOf({ event: 'order_completed', distinct_id: 'u1', $insert_id: 'ORD-1' })).toBe(completed);
    expect(uuidOf({ event: 'order_shipped', distinct_id: 'u1', $insert_id: 'ORD-1' })).not.toBe(completed);
    expect(uuidOf({ event: 'order_completed', distinct_id: 'u2', $insert_id: 'ORD-1' })).not.toBe(completed);
  });

  // Expected uuids computed independently with Python: digest = hashlib.sha256(json.dumps(event, separators=(',', ':'),
  // ensure_ascii=False).encode()).hexdigest(); uuid.uuid5(UUID('a3c5e0f2-…'), json.dumps(['content', position, digest],
  // separators=(',', ':'))).
  it('derives the uuid of an event without uuid or $insert_id from its own JSON and position, never from the time', () => {
    const later = { now: new Date('2026-11-24T09:00:00.000Z') };
    expect(map({ event: 'x', distinct_id: 'u' })).toMatchObject({ ok: true, events: [{ uuid: 'ee0ca401-c254-5095-b652-3936d7d59320' }] });
    expect(map({ event: 'x', distinct_id: 'u' }, later)).toMatchObject({
      ok: true,
      events: [{ uuid: 'ee0ca401-c254-5095-b652-3936d7d59320' }],
    });
    // Two identical events in one request are two events: the position tells them apart.
    expect(
      map({
        batch: [
          { event: 'x', distinct_id: 'u' },
          { event: 'x', distinct_id: 'u' },
        ],
      }),
    ).toMatchObject({
      ok: true,
      events: [{ uuid: 'ee0ca401-c254-5095-b652-3936d7d59320' }, { uuid: '99fd2885-7fdb-5d4b-8d56-67fa94f98dd0' }],
    });
    // A timestamp the template renders is part of the body, so two occurrences at different times differ.
    expect(map({ event: 'x', distinct_id: 'u', timestamp: '2026-11-23T10:00:00Z' })).toMatchObject({
      ok: true,
      events: [{ uuid: '370fd7f6-866d-564d-a1ef-2c5d2f186267' }],
    });
    expect(map({ event: 'purchase_completed', distinct_id: 'user-123', properties: { amount: '19.99', currency: 'EUR' } })).toMatchObject({
      ok: true,
      events: [{ uuid: '22837e6c-bf4e-511b-8606-ee6ef20402b3' }],
    });
  });

  it('never suggests |default for an unrendered id (a default would merge users into one person)', () => {
    const result = map({ event: 'x', distinct_id: "{{UserAttribute['Customer ID']}}" });
    expect(result).toMatchObject({
      ok: false,
      errors: [{ path: 'distinct_id', message: expect.stringContaining("Don't add |default(...) to an id") }],
    });
    expect(map({ event: 'x', distinct_id: 'u', properties: { plan: '{{x}}' } })).toMatchObject({
      ok: true,
      warnings: [{ path: 'properties.plan', message: expect.stringContaining('add |default(...)') }],
    });
  });

  it('replaces an invalid uuid, saying so', () => {
    expect(map({ event: 'x', distinct_id: 'u', uuid: 'not-a-uuid', $insert_id: 'k' })).toMatchObject({
      ok: true,
      events: [{ uuid: '268803fd-a95a-50f2-88ea-b66b3d526cea' }],
      warnings: [{ path: 'uuid', message: expect.stringContaining('not a valid UUID') }],
    });
  });

  it('uses the intake time for an absent or unrendered timestamp and warns about one PostHog would clamp', () => {
    expect(map({ event: 'x', distinct_id: 'u', timestamp: "{{EventAttribute['time']}}" })).toMatchObject({
      ok: true,
      events: [{ timestamp: '2026-11-23T16:00:00.000Z' }],
      warnings: [{ path: 'timestamp', message: expect.stringContaining('the intake time was used') }],
    });
    expect(map({ event: 'x', distinct_id: 'u', timestamp: '2026-11-25T16:00:00Z' })).toMatchObject({
      ok: true,
      events: [{ timestamp: '2026-11-25T16:00:00.000Z' }],
      warnings: [{ path: 'timestamp', message: expect.stringContaining('more than 23 hours') }],
    });
  });

  it('warns about fields PostHog would use to shift time, unknown fields and ids PostHog will not merge', () => {
    const result = map({ event: 'x', distinct_id: 'guest', sent_at: '2026-11-23T16:00:00Z', email: 'a@example.com' });
    expect(result).toMatchObject({ ok: true });
    if (result.ok) {
      expect(result.warnings.map((w) => [w.path, w.message.slice(0, 40)])).toEqual([
        ['distinct_id', '"guest" is an id PostHog refuses to merg'],
        ['sent_at', 'ignored: the forwarder never sends sent_'],
        ['email', 'ignored: not a PostHog capture field (pu'],
      ]);
    }
  });

  it('never forwards a project key found in properties', () => {
    const result = map({ event: 'x', distinct_id: 'u', properties: { api_key: 'phc_x', token: 'phc_y', coupon: 'SAVE10' } });
    expect(result).toMatchObject({ ok: true, events: [{ properties: { coupon: 'SAVE10' } }] });
    if (result.ok) {
      expect(result.events[0]?.properties).not.toHaveProperty('api_key');
      expect(result.events[0]?.properties).not.toHaveProperty('token');
      expect(result.warnings.map((w) => w.path)).toEqual(['properties.api_key', 'properties.token']);
    }
  });

  it('accepts a top-level alias for $create_alias and requires one', () => {
    expect(map({ event: '$create_alias', distinct_id: 'u', alias: 'anon-1' })).toMatchObject({
      ok: true,
      events: [{ properties: { alias: 'anon-1' } }],
    });
    expect(map({ event: '$create_alias', distinct_id: 'u' })).toEqual({
      ok: false,
      errors: [{ path: 'properties.alias', message: 'is required: the other id PostHog should merge into distinct_id' }],
    });
  });

  it('ignores properties.$set that is not an object, with a warning', () => {
    expect(map({ event: 'x', distinct_id: 'u', properties: { $set: 'plan=pro', plan: 'pro' } })).toEqual({
      ok: true,
      events: [expect.objectContaining({ properties: expect.not.objectContaining({ $set: expect.anything() }) })],
      warnings: [{ path: 'properties.$set', message: 'ignored: must be a JSON object of person properties' }],
    });
  });

  it('lists at most 100 warnings and counts the rest', () => {
    const properties = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, 'None']));
    const result = map({ event: 'x', distinct_id: 'u', properties });
    expect(result.ok && result.warnings.length).toBe(101);
    expect(result.ok && result.warnings.at(-1)).toEqual({ path: '(more)', message: '50 more not listed' });
  });

  it('warns about a JSON number that lost digits and keeps it', () => {
    expect(map(JSON.parse('{"event":"x","distinct_id":"u","properties":{"order":12345678901234567890}}'))).toMatchObject({
      ok: true,
      warnings: [{ path: 'properties.order', message: expect.stringContaining('beyond 2^53') }],
    });
  });
});

describe('checkStructure', () => {
  const nest = (depth: number): unknown => {
    let value: unknown = 'leaf';
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
  };
  it('accepts 32 levels and refuses 33', () => {
    expect(checkStructure(nest(32)).errors).toEqual([]);
    expect(checkStructure(nest(33)).errors).toEqual([
      { path: `${Array(32).fill('a').join('.')}`, message: 'is nested deeper than 32 levels' },
    ]);
  });
  it('walks 100,000 levels without recursion', () => {
    expect(checkStructure(nest(100_000)).errors).toHaveLength(1);
  });
});

describe('extractToken and isAuthorized', () => {
  const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;
  it.each<[string | undefined, string | undefined]>([
    ['Bearer abc123', 'abc123'],
    ['bearer   abc123  ', 'abc123'],
    [basic('moengage:abc123'), 'abc123'],
    [basic(':abc123'), 'abc123'],
    [basic('user:pa:ss'), 'pa:ss'],
    [basic('abc123'), undefined],
    ['Token abc123', undefined],
    ['abc123', undefined],
    ['Bearer', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, token) => {
    expect(extractToken(header)).toBe(token);
  });
  it.each<[string | undefined, string[], boolean]>([
    ['new', ['new', 'old'], true],
    ['old', ['new', 'old'], true],
    ['ne', ['new', 'old'], false],
    ['newer', ['new', 'old'], false],
    ['', ['', 'new'], false],
    [undefined, ['new'], false],
    ['new', [], false],
  ])('token %j against %j → %s', (token, valid, expected) => {
    expect(isAuthorized(token, valid)).toBe(expected);
  });
});
