import { handleIntake } from '#shared/intake/router';
import { bearer, httpApiEvent } from '../support/events.ts';
import { intakeDeps, TOKEN } from './support/intake-deps.ts';

interface BadInput {
  name: string;
  status: number;
  /** The `path` of each error, in order; undefined for responses without `errors` (401, 404, 405). */
  paths?: string[];
  /** A fragment of the first error's message (or of the response message). */
  message: string;
  reason: string;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  method?: string;
  path?: string;
  isBase64Encoded?: boolean;
  strict?: boolean;
  maxBodyBytes?: number;
}

const j = (value: unknown): string => JSON.stringify(value);
const valid = { event: 'purchase_completed', distinct_id: 'user-1' };
const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};
const manyKeys = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`p${i}`, i]));
const bulky = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`chunk${i}`, 'x'.repeat(60_000)]));

const CORPUS: BadInput[] = [
  // Authentication
  { name: 'no Authorization header', headers: {}, status: 401, message: 'missing or wrong token', reason: 'unauthorized' },
  { name: 'a wrong bearer token', headers: bearer('guess'), status: 401, message: 'missing or wrong token', reason: 'unauthorized' },
  {
    name: 'a token one character short',
    headers: bearer(TOKEN.slice(0, -1)),
    status: 401,
    message: 'missing or wrong token',
    reason: 'unauthorized',
  },
  {
    name: 'HTTP Basic with a wrong password',
    headers: { authorization: `Basic ${Buffer.from('moengage:nope').toString('base64')}` },
    status: 401,
    message: 'missing or wrong token',
    reason: 'unauthorized',
  },
  {
    name: 'HTTP Basic with the token as the user name',
    headers: { authorization: `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}` },
    status: 401,
    message: 'missing or wrong token',
    reason: 'unauthorized',
  },
  {
    name: 'an unknown scheme',
    headers: { authorization: `Token ${TOKEN}` },
    status: 401,
    message: 'missing or wrong token',
    reason: 'unauthorized',
  },
  {
    name: 'a bare token without scheme',
    headers: { authorization: TOKEN },
    status: 401,
    message: 'missing or wrong token',
    reason: 'unauthorized',
  },
  // Routing
  { name: 'GET on the connector route', method: 'GET', status: 405, message: 'use POST /v1/connector', reason: 'method_not_allowed' },
  { name: 'PUT on the connector route', method: 'PUT', status: 405, message: 'use POST /v1/connector', reason: 'method_not_allowed' },
  { name: 'POST on the health route', path: '/v1/health', status: 405, message: 'use GET, HEAD /v1/health', reason: 'method_not_allowed' },
  { name: 'an unknown route', path: '/v1/capture', status: 404, message: 'no route /v1/capture', reason: 'not_found' },
  // Transport
  {
    name: 'an image content type',
    contentType: 'image/png',
    status: 415,
    paths: ['(body)'],
    message: 'image/png',
    reason: 'unsupported_media_type',
  },
  {
    name: 'an HTML content type',
    contentType: 'text/html',
    status: 415,
    paths: ['(body)'],
    message: 'is not supported',
    reason: 'unsupported_media_type',
  },
  {
    name: 'a multipart body without its boundary',
    contentType: 'multipart/form-data',
    body: '--x\r\nContent-Disposition: form-data; name="event"\r\n\r\nPurchase\r\n--x--\r\n',
    status: 400,
    paths: ['(body)'],
    message: 'not a valid multipart/form-data body',
    reason: 'invalid_multipart',
  },
  {
    name: 'a multipart body cut short',
    contentType: 'multipart/form-data; boundary=x',
    body: '--x\r\nContent-Disposition: form-data; name="event"\r\n\r\nPurchase\r\n',
    status: 400,
    paths: ['(body)'],
    message: 'not a valid multipart/form-data body',
    reason: 'invalid_multipart',
  },
  {
    name: 'a body above the limit',
    maxBodyBytes: 1024,
    body: j({ ...valid, properties: { pad: 'x'.repeat(2000) } }),
    status: 413,
    paths: ['(body)'],
    message: 'the limit is 1024',
    reason: 'too_large',
  },
  { name: 'an empty body', body: '', status: 400, paths: ['(body)'], message: 'is empty', reason: 'empty_body' },
  { name: 'a whitespace body', body: ' \n\t ', status: 400, paths: ['(body)'], message: 'is empty', reason: 'empty_body' },
  {
    name: 'truncated JSON',
    body: '{"event":"x","distinct_id":',
    status: 400,
    paths: ['(body)'],
    message: 'is not valid JSON',
    reason: 'invalid_json',
  },
  {
    name: 'JSON cut short (never completed by the lenient reader)',
    body: '{"event":"x",',
    status: 400,
    paths: ['(body)'],
    message: 'is not valid JSON',
    reason: 'invalid_json',
  },
  {
    name: 'invalid UTF-8 bytes',
    body: Buffer.from([0x7b, 0x22, 0x65, 0xff, 0xfe, 0x22, 0x7d]).toString('base64'),
    isBase64Encoded: true,
    status: 400,
    paths: ['(body)'],
    message: 'is not valid UTF-8',
    reason: 'invalid_utf8',
  },
  { name: 'a JSON string', body: '"hello"', status: 400, paths: ['(body)'], message: 'must be a JSON object', reason: 'invalid' },
  { name: 'a JSON number', body: '42', status: 400, paths: ['(body)'], message: 'must be a JSON object', reason: 'invalid' },
  { name: 'JSON null', body: 'null', status: 400, paths: ['(body)'], message: 'must be a JSON object', reason: 'invalid' },
  { name: 'an empty JSON list', body: '[]', status: 400, paths: ['(body)'], message: 'between 1 and 1000 events', reason: 'invalid' },
  // The event name
  { name: 'no event', body: j({ distinct_id: 'u' }), status: 400, paths: ['event'], message: 'is required', reason: 'invalid' },
  {
    name: 'a numeric event',
    body: j({ event: 7, distinct_id: 'u' }),
    status: 400,
    paths: ['event'],
    message: 'must be a string',
    reason: 'invalid',
  },
  {
    name: 'an empty event',
    body: j({ event: '', distinct_id: 'u' }),
    status: 400,
    paths: ['event'],
    message: 'is empty',
    reason: 'invalid',
  },
  {
    name: 'an event rendered as None',
    body: j({ event: 'None', distinct_id: 'u' }),
    status: 400,
    paths: ['event'],
    message: 'is empty',
    reason: 'invalid',
  },
  {
    name: 'an unrendered event name',
    body: j({ event: "{{EventAttribute['Name']}}", distinct_id: 'u' }),
    status: 400,
    paths: ['event'],
    message: 'unrendered MoEngage template',
    reason: 'invalid',
  },
  {
    name: 'a NUL byte in the event name',
    body: j({ event: 'buy\u0000', distinct_id: 'u' }),
    status: 400,
    paths: ['event'],
    message: 'NUL',
    reason: 'invalid',
  },
  // distinct_id
  { name: 'no distinct_id', body: j({ event: 'x' }), status: 400, paths: ['distinct_id'], message: 'is required', reason: 'invalid' },
  {
    name: 'an unrendered distinct_id',
    body: j({ event: 'x', distinct_id: "{{UserAttribute['ID']}}" }),
    status: 400,
    paths: ['distinct_id'],
    message: 'unrendered',
    reason: 'invalid',
  },
  {
    name: 'distinct_id rendered as None',
    body: j({ event: 'x', distinct_id: 'None' }),
    status: 400,
    paths: ['distinct_id'],
    message: 'is empty',
    reason: 'invalid',
  },
  {
    name: 'an empty distinct_id',
    body: j({ event: 'x', distinct_id: '  ' }),
    status: 400,
    paths: ['distinct_id'],
    message: 'is empty',
    reason: 'invalid',
  },
  {
    name: 'a null distinct_id',
    body: j({ event: 'x', distinct_id: null }),
    status: 400,
    paths: ['distinct_id'],
    message: 'is empty',
    reason: 'invalid',
  },
  {
    name: 'an object distinct_id',
    body: j({ event: 'x', distinct_id: { id: 1 } }),
    status: 400,
    paths: ['distinct_id'],
    message: 'must be a string or a number',
    reason: 'invalid',
  },
  {
    name: 'a boolean distinct_id',
    body: j({ event: 'x', distinct_id: true }),
    status: 400,
    paths: ['distinct_id'],
    message: 'must be a string or a number',
    reason: 'invalid',
  },
  {
    name: 'a distinct_id of 201 characters',
    body: j({ event: 'x', distinct_id: 'u'.repeat(201) }),
    status: 400,
    paths: ['distinct_id'],
    message: 'longer than 200',
    reason: 'invalid',
  },
  {
    name: 'a numeric distinct_id beyond 2^53',
    body: '{"event":"x","distinct_id":12345678901234567890}',
    status: 400,
    paths: ['distinct_id'],
    message: 'beyond 2^53',
    reason: 'invalid',
  },
  {
    name: 'a lone surrogate in distinct_id',
    body: '{"event":"x","distinct_id":"u\\ud800"}',
    status: 400,
    paths: ['distinct_id'],
    message: 'invalid Unicode',
    reason: 'invalid',
  },
  {
    name: 'an unrendered properties.distinct_id fallback',
    body: j({ event: 'x', properties: { distinct_id: '{{x}}' } }),
    status: 400,
    paths: ['properties.distinct_id'],
    message: 'unrendered',
    reason: 'invalid',
  },
  // Other fields
  {
    name: 'properties as a string',
    body: j({ ...valid, properties: 'amount=5' }),
    status: 400,
    paths: ['properties'],
    message: 'must be a JSON object',
    reason: 'invalid',
  },
  {
    name: 'properties as a list',
    body: j({ ...valid, properties: [1, 2] }),
    status: 400,
    paths: ['properties'],
    message: 'must be a JSON object',
    reason: 'invalid',
  },
  {
    name: '$set as a string',
    body: j({ ...valid, $set: 'email' }),
    status: 400,
    paths: ['$set'],
    message: 'must be a JSON object',
    reason: 'invalid',
  },
  {
    name: 'a timestamp in words',
    body: j({ ...valid, timestamp: 'yesterday' }),
    status: 400,
    paths: ['timestamp'],
    message: 'not an ISO 8601',
    reason: 'invalid',
  },
  {
    name: 'a boolean timestamp',
    body: j({ ...valid, timestamp: true }),
    status: 400,
    paths: ['timestamp'],
    message: 'ISO 8601 date-time string or an epoch',
    reason: 'invalid',
  },
  {
    name: 'a date that does not exist',
    body: j({ ...valid, timestamp: '2026-02-30T10:00:00Z' }),
    status: 400,
    paths: ['timestamp'],
    message: 'not a calendar date',
    reason: 'invalid',
  },
  {
    name: 'a negative epoch',
    body: j({ ...valid, timestamp: -1 }),
    status: 400,
    paths: ['timestamp'],
    message: '1970–9999',
    reason: 'invalid',
  },
  // $create_alias
  {
    name: '$create_alias without alias',
    body: j({ event: '$create_alias', distinct_id: 'u' }),
    status: 400,
    paths: ['properties.alias'],
    message: 'is required',
    reason: 'invalid',
  },
  {
    name: '$create_alias with an unrendered alias',
    body: j({ event: '$create_alias', distinct_id: 'u', properties: { alias: "{{UserAttribute['Old ID']}}" } }),
    status: 400,
    paths: ['properties.alias'],
    message: 'unrendered',
    reason: 'invalid',
  },
  {
    name: '$create_alias with alias None',
    body: j({ event: '$create_alias', distinct_id: 'u', properties: { alias: 'None' } }),
    status: 400,
    paths: ['properties.alias'],
    message: 'is empty',
    reason: 'invalid',
  },
  // Batches (all or nothing)
  {
    name: 'batch as an object',
    body: j({ batch: { event: 'x' } }),
    status: 400,
    paths: ['batch'],
    message: 'must be a list of events',
    reason: 'invalid',
  },
  { name: 'an empty batch', body: j({ batch: [] }), status: 400, paths: ['batch'], message: 'at least one event', reason: 'invalid' },
  {
    name: 'a batch of 1001 events',
    body: j({ batch: Array.from({ length: 1001 }, () => valid) }),
    status: 400,
    paths: ['batch'],
    message: 'more than 1000',
    reason: 'invalid',
  },
  {
    name: 'a batch whose third event has no user',
    body: j({ batch: [valid, valid, { event: 'x', distinct_id: 'None' }] }),
    status: 400,
    paths: ['batch.2.distinct_id'],
    message: 'is empty',
    reason: 'invalid',
  },
  {
    name: 'a batch holding a string',
    body: j({ batch: [valid, 'x'] }),
    status: 400,
    paths: ['batch.1'],
    message: 'must be a JSON object',
    reason: 'invalid',
  },
  // Hostile shapes
  {
    name: 'nesting 40 levels deep',
    body: j({ ...valid, properties: nested(38) }),
    status: 400,
    paths: [`properties.${Array(31).fill('a').join('.')}`],
    message: 'nested deeper than 32 levels',
    reason: 'invalid',
  },
  {
    name: 'distinct_id 1e400 (Infinity once parsed)',
    body: '{"event":"purchase_completed","distinct_id":1e400}',
    status: 400,
    paths: ['distinct_id'],
    message: 'too large to represent',
    reason: 'invalid',
  },
  {
    name: 'a property of -1e400',
    body: '{"event":"purchase_completed","distinct_id":"u","properties":{"amount":-1e400}}',
    status: 400,
    paths: ['properties.amount'],
    message: 'too large to represent',
    reason: 'invalid',
  },
  {
    name: 'HEAD on the connector route',
    method: 'HEAD',
    status: 405,
    message: 'use POST /v1/connector',
    reason: 'method_not_allowed',
  },
  {
    name: '1001 properties',
    body: j({ ...valid, properties: manyKeys }),
    status: 400,
    paths: ['properties'],
    message: 'has 1001 keys',
    reason: 'invalid',
  },
  // Issue 19: the lenient reader once searched the body for every key and every repaired value (quadratic); these
  // bodies take its repair path and are then refused on their size (test/intake/linear-parsing.test.ts counts them).
  {
    name: '1001 properties written as a Python literal',
    body: `{'event': 'purchase_completed', 'distinct_id': 'user-1', 'properties': {${Array.from({ length: 1001 }, (_, i) => `'p${i}': None`).join(', ')}}}`,
    status: 400,
    paths: ['properties'],
    message: 'has 1001 keys',
    reason: 'invalid',
  },
  {
    name: '1001 properties each holding a raw tab',
    body: `{"event":"purchase_completed","distinct_id":"user-1","properties":{${Array.from({ length: 1001 }, (_, i) => `"p${i}":"a\tb"`).join(',')}}}`,
    status: 400,
    paths: ['properties'],
    message: 'has 1001 keys',
    reason: 'invalid',
  },
  {
    name: 'an unrendered property in strict mode',
    strict: true,
    body: j({ ...valid, properties: { plan: "{{UserAttribute['Plan']}}" } }),
    status: 400,
    paths: ['properties.plan'],
    message: 'unrendered',
    reason: 'invalid',
  },
  {
    name: 'a mapped event too large for one queue message',
    maxBodyBytes: 4 * 1024 * 1024,
    body: j({ ...valid, properties: bulky }),
    status: 413,
    paths: ['(body)'],
    message: 'one event may take at most 1048576 bytes',
    reason: 'event_too_large',
  },
  {
    name: 'a batch with one event too large for one queue message',
    maxBodyBytes: 4 * 1024 * 1024,
    body: j({ batch: [valid, { ...valid, properties: bulky }] }),
    status: 413,
    paths: ['batch.1'],
    message: 'one event may take at most',
    reason: 'event_too_large',
  },
  {
    name: 'a batch of 1000 events without a user (errors listed up to 100)',
    body: j({ batch: Array.from({ length: 1000 }, () => ({ event: 'x' })) }),
    status: 400,
    paths: [...Array.from({ length: 100 }, (_, i) => `batch.${i}.distinct_id`), '(more)'],
    message: 'is required',
    reason: 'invalid',
  },
  // Form bodies
  {
    name: 'a form body without event',
    contentType: 'application/x-www-form-urlencoded',
    body: 'distinct_id=u&properties.amount=5',
    status: 400,
    paths: ['event'],
    message: 'is required',
    reason: 'invalid',
  },
  {
    name: 'a form body naming the event twice',
    contentType: 'application/x-www-form-urlencoded',
    body: 'event=a&event=b&distinct_id=u',
    status: 400,
    paths: ['event'],
    message: 'must be a string',
    reason: 'invalid',
  },
  {
    name: 'a form body with properties as one field',
    contentType: 'application/x-www-form-urlencoded',
    body: 'event=a&distinct_id=u&properties=amount%3D5',
    status: 400,
    paths: ['properties'],
    message: 'properties.<name> fields',
    reason: 'invalid',
  },
];

describe('bad inputs through handleIntake', () => {
  it('has at least 40 cases', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CORPUS)('answers $status to $name', async (input) => {
    const deps = intakeDeps();
    deps.config = { ...deps.config, strict: input.strict ?? false, maxBodyBytes: input.maxBodyBytes ?? 1024 * 1024 };
    const event = httpApiEvent({
      method: input.method ?? 'POST',
      path: input.path ?? '/v1/connector',
      body: input.body ?? j(valid),
      headers: { 'content-type': input.contentType ?? 'application/json', ...(input.headers ?? bearer(TOKEN)) },
      isBase64Encoded: input.isBase64Encoded ?? false,
    });
    if (input.headers && !('authorization' in input.headers)) delete event.headers.authorization;

    const response = await handleIntake(event, deps);

    expect(response.statusCode).toBe(input.status);
    expect(response.headers?.['content-type']).toBe('application/json');
    const body = JSON.parse(response.body) as { status: string; message?: string; errors?: Array<{ path: string; message: string }> };
    if (input.paths) {
      expect(body.status).toBe('rejected');
      expect(body.errors?.map((e) => e.path)).toEqual(input.paths);
      expect(body.errors?.[0]?.message).toContain(input.message);
    } else {
      expect(body.message).toContain(input.message);
    }
    if (input.status === 401) expect(response.headers?.['www-authenticate']).toMatch(/^Bearer realm="[^"]+", Basic realm=/);
    if (input.status === 405) expect(response.headers?.allow).toBeDefined();
    expect(deps.queue.messages).toEqual([]);
    expect(deps.metrics.sum('Rejected', { reason: input.reason })).toBe(1);
    expect(deps.metrics.sum('Queued')).toBe(0);
    expect(deps.logger.lines).toHaveLength(1);
    expect(deps.logger.lines[0]?.fields).toMatchObject({ status: input.status, outcome: 'rejected', reason: input.reason });
    // A rejection always reaches the logs with its reason, whatever the application log level short of ERROR.
    expect(deps.logger.lines[0]?.level).toBe(input.status >= 500 ? 'ERROR' : 'WARN');
    expect(JSON.stringify(deps.logger.lines)).not.toContain(TOKEN);
  });
});
