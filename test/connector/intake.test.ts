import { handleIntake } from '#shared/intake/router';
import { createPostHogVerifier } from '#shared/intake/posthog-verifier';
import { KEY_CHECK_DISTINCT_ID } from '#shared/posthog/key-check';
import { bearer, httpApiEvent } from '../support/events.ts';
import { type FakePostHog, startFakePostHog } from '../support/fake-posthog.ts';
import { MOENGAGE_RECIPE_RENDERED } from './fixtures/cases.ts';
import { API_KEY, intakeDeps, NOW, OLD_TOKEN, TOKEN, type TestDeps } from './support/intake-deps.ts';

const post = (body: string, options: { query?: Record<string, string>; headers?: Record<string, string>; requestId?: string } = {}) =>
  httpApiEvent({
    body,
    headers: { ...bearer(TOKEN), ...options.headers },
    ...(options.query && { query: options.query }),
    ...(options.requestId && { requestId: options.requestId }),
  });
const parse = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe('POST /v1/connector', () => {
  it('queues the MoEngage recipe and answers 200 with the events and no warnings', async () => {
    const deps = intakeDeps();
    const response = await handleIntake(post(MOENGAGE_RECIPE_RENDERED, { headers: { 'content-type': 'text/plain' } }), deps);
    expect(response.statusCode).toBe(200);
    const uuid = deps.queue.messages[0]?.event.uuid;
    expect(parse(response.body)).toEqual({
      status: 'ok',
      queued: 1,
      events: [{ uuid, event: 'Purchase', distinct_id: 'ann@example.com' }],
      warnings: [],
    });
    expect(deps.queue.messages).toEqual([
      {
        event: {
          event: 'Purchase',
          distinct_id: 'ann@example.com',
          properties: expect.objectContaining({ item_names: ['Running Shoes', 'Socks'], value: 49.9 }),
          timestamp: NOW.toISOString(),
          uuid,
        },
        destination: 'https://eu.i.posthog.com',
        origin: 'connector',
        receivedAt: NOW.toISOString(),
      },
    ]);
    expect([deps.metrics.sum('Received'), deps.metrics.sum('Queued'), deps.metrics.sum('Rejected')]).toEqual([1, 1, 0]);
  });

  it('writes one log line with outcome, counts and ids, and no values, tokens or keys', async () => {
    const deps = intakeDeps();
    const body = JSON.stringify({
      event: 'purchase_completed',
      api_key: 'phc_typed_in_moengage',
      distinct_id: 'secret-user@example.com',
      properties: { card_last4: '4242', plan: '{{UserAttribute["Plan"]}}' },
    });
    await handleIntake(post(body), deps);
    expect(deps.logger.lines).toEqual([
      {
        level: 'DEBUG',
        message: 'intake request',
        fields: {
          request_id: 'Yx2AbCdEfGhIjKl=',
          route: '/v1/connector',
          method: 'POST',
          status: 200,
          outcome: 'queued',
          format: 'json',
          events: 1,
          warning_paths: ['api_key', 'properties.plan'],
          // The distinct_id only as its hash (sha256 of the salt and the id, computed with Python's hashlib).
          trace: [{ uuid: deps.queue.messages[0]?.event.uuid, distinct_id_hash: 'e2db462c3c93b5a4' }],
        },
      },
    ]);
    const logged = JSON.stringify(deps.logger.lines);
    for (const secret of [TOKEN, API_KEY, 'phc_typed_in_moengage', 'secret-user@example.com', '4242', 'UserAttribute']) {
      expect(logged).not.toContain(secret);
    }
  });

  it('accepts every token of a rotation, by Bearer or as the HTTP Basic password', async () => {
    const body = JSON.stringify({ event: 'x', distinct_id: 'u' });
    const basic = `Basic ${Buffer.from(`moengage:${OLD_TOKEN}`).toString('base64')}`;
    for (const authorization of [`Bearer ${TOKEN}`, `bearer ${OLD_TOKEN}`, basic]) {
      const response = await handleIntake(post(body, { headers: { authorization } }), intakeDeps());
      expect(response.statusCode).toBe(200);
    }
  });

  it('maps a form body end to end', async () => {
    const deps = intakeDeps();
    const form = 'event=Purchase&distinct_id=user-123&properties.amount=19.99&properties.order_id=00042&%24set.plan=pro';
    const response = await handleIntake(post(form, { headers: { 'content-type': 'application/x-www-form-urlencoded' } }), deps);
    expect(response.statusCode).toBe(200);
    expect(deps.queue.messages[0]?.event).toMatchObject({
      event: 'Purchase',
      distinct_id: 'user-123',
      properties: { amount: 19.99, order_id: '00042', $set: { plan: 'pro' } },
    });
    expect(deps.logger.lines[0]?.fields.format).toBe('form');
  });

  it.each(['1', 'true', ''])('returns the exact PostHog payloads for ?dry_run=%j and queues nothing', async (value) => {
    const deps = intakeDeps();
    const response = await handleIntake(post(MOENGAGE_RECIPE_RENDERED, { query: { dry_run: value } }), deps);
    expect(response.statusCode).toBe(200);
    expect(parse(response.body)).toEqual({
      status: 'dry_run',
      events: [
        {
          event: 'Purchase',
          distinct_id: 'ann@example.com',
          properties: {
            item_names: ['Running Shoes', 'Socks'],
            value: 49.9,
            $lib: 'moengage-posthog-forwarder',
            $lib_version: '0.1.0',
            $source: 'moengage',
            $geoip_disable: true,
          },
          timestamp: '2026-11-23T16:00:00.000Z',
          uuid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5/),
        },
      ],
      warnings: [],
    });
    expect(deps.queue.messages).toEqual([]);
    expect(deps.metrics.sum('Queued')).toBe(0);
  });

  it('answers 503 with Retry-After when the queue is down, and acknowledges nothing', async () => {
    const deps = intakeDeps();
    deps.queue.down = true;
    const response = await handleIntake(post(JSON.stringify({ event: 'x', distinct_id: 'u' })), deps);
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('5');
    expect(parse(response.body)).toEqual({ status: 'unavailable', message: expect.stringContaining('nothing was accepted') });
    expect(deps.metrics.sum('Rejected', { reason: 'queue_unavailable' })).toBe(1);
    expect(deps.logger.lines).toEqual([
      expect.objectContaining({ level: 'ERROR', fields: expect.objectContaining({ reason: 'queue_unavailable' }) }),
    ]);
  });

  it('answers 503 when the secrets cannot be read', async () => {
    const failing = async (): Promise<string[]> => {
      throw new Error('AccessDenied');
    };
    const deps = intakeDeps({ secrets: { posthogApiKey: async () => API_KEY, webhookTokens: failing } });
    const response = await handleIntake(post('{}'), deps);
    expect(response.statusCode).toBe(503);
    expect(deps.metrics.sum('Rejected', { reason: 'secrets_unavailable' })).toBe(1);
  });

  it('answers 503 to ?verify=1 when no PostHog client is configured', async () => {
    const deps = intakeDeps();
    const response = await handleIntake(post(MOENGAGE_RECIPE_RENDERED, { query: { verify: '1' } }), deps);
    expect(response.statusCode).toBe(503);
    expect(deps.metrics.sum('Rejected', { reason: 'verify_unavailable' })).toBe(1);
    expect(deps.queue.messages).toEqual([]);
  });

  it('answers GET /v1/health without a token and without counting it as received', async () => {
    const deps = intakeDeps();
    const response = await handleIntake(httpApiEvent({ method: 'GET', path: '/v1/health', headers: {} }), deps);
    expect([response.statusCode, parse(response.body)]).toEqual([200, { status: 'ok' }]);
    expect(deps.metrics.sum('Received')).toBe(0);
  });

  it('answers HEAD /v1/health like GET, without a body', async () => {
    const deps = intakeDeps();
    const get = await handleIntake(httpApiEvent({ method: 'GET', path: '/v1/health', headers: {} }), deps);
    const head = await handleIntake(httpApiEvent({ method: 'HEAD', path: '/v1/health', headers: {} }), deps);
    expect([head.statusCode, head.headers, head.body]).toEqual([200, get.headers, '']);
  });
});

describe('hostile input is data, not code', () => {
  it('ignores __proto__ keys with a warning, keeps constructor as data, and pollutes nothing', async () => {
    const deps = intakeDeps();
    const body =
      '{"event":"x","distinct_id":"u","__proto__":{"isAdmin":true},"properties":{"__proto__":{"polluted":1},"constructor":"Ferrari","ok":"1"},' +
      '"$set":{"__proto__":{"x":1}}}';
    const response = await handleIntake(post(body), deps);
    expect(response.statusCode).toBe(200);
    const properties = deps.queue.messages[0]?.event.properties ?? {};
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
    expect(Object.keys(properties)).toEqual(['constructor', 'ok', '$lib', '$lib_version', '$source', '$geoip_disable']);
    expect(properties.constructor).toBe('Ferrari');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect((parse(response.body).warnings as Array<{ path: string }>).map((w) => w.path)).toEqual([
      '__proto__',
      'properties.__proto__',
      '$set.__proto__',
    ]);
  });

  it('drops strings over 64 KB, NUL bytes and lone surrogates from properties, with warnings', async () => {
    const deps = intakeDeps();
    const body = JSON.stringify({
      event: 'x',
      distinct_id: 'u',
      properties: { essay: 'x'.repeat(70_000), nul: 'a\u0000b', lone: 'a\ud800', 'bad\u0000key': 1, fine: 'ok' },
    });
    const response = await handleIntake(post(body), deps);
    expect(response.statusCode).toBe(200);
    expect(deps.queue.messages[0]?.event.properties).toMatchObject({ fine: 'ok' });
    expect(deps.queue.messages[0]?.event.properties).not.toHaveProperty('essay');
    expect(parse(response.body).warnings).toEqual([
      { path: 'properties.essay', message: 'dropped: the value is longer than 65536 characters' },
      { path: 'properties.nul', message: expect.stringContaining('NUL character') },
      { path: 'properties.lone', message: expect.stringContaining('lone UTF-16 surrogate') },
      { path: 'properties.bad\u0000key', message: expect.stringContaining('the property name contains a NUL character') },
    ]);
  });
});

describe('?verify=1 (synchronous delivery for MoEngage’s Test button)', () => {
  let posthog: FakePostHog;
  // The intake's own verify client (built-in fetch), as functions/intake/handler.ts builds it.
  const verifier = createPostHogVerifier({ timeoutMs: 2_000, userAgent: 'test/1' });
  const verifyDeps = (host: string): TestDeps => {
    const deps = intakeDeps({
      verify: verifier,
    });
    deps.config = { ...deps.config, posthogHost: host };
    return deps;
  };
  const verifyRequest = () => post(MOENGAGE_RECIPE_RENDERED, { query: { verify: '1' } });

  beforeAll(async () => {
    posthog = await startFakePostHog();
  });
  afterAll(async () => {
    await posthog.close();
  });
  beforeEach(() => {
    posthog.behave(() => ({}));
    posthog.behaveFlags(undefined);
    posthog.validKeys.clear();
    posthog.validKeys.add(API_KEY);
    posthog.events.length = 0;
    posthog.flagsPaths.length = 0;
  });

  it('checks the key, delivers at once and answers 200 only once PostHog accepted', async () => {
    const deps = verifyDeps(posthog.url);
    const response = await handleIntake(verifyRequest(), deps);
    expect(response.statusCode).toBe(200);
    const uuid = posthog.events[0]?.uuid;
    expect(parse(response.body)).toEqual({
      status: 'verified',
      delivered: 1,
      key_check: 'valid',
      events: [{ uuid, event: 'Purchase', distinct_id: 'ann@example.com' }],
      warnings: [],
    });
    expect(posthog.events).toEqual([expect.objectContaining({ event: 'Purchase', properties: expect.objectContaining({ value: 49.9 }) })]);
    expect(posthog.requests.at(-1)?.capture.apiKey).toBe(API_KEY);
    // One key field: PostHog's flags service refuses `token` and `api_key` together (test/support/fake-flags.ts).
    expect(posthog.flagsRequests.at(-1)).toEqual({ api_key: API_KEY, distinct_id: KEY_CHECK_DISTINCT_ID });
    expect(posthog.flagsPaths).toEqual(['/flags/']);
    expect(deps.queue.messages).toEqual([]);
  });

  it('fails with 502 and sends nothing when PostHog refuses the key', async () => {
    posthog.validKeys.clear();
    posthog.validKeys.add('phc_another_project');
    const before = posthog.requests.length;
    const response = await handleIntake(verifyRequest(), verifyDeps(posthog.url));
    expect(response.statusCode).toBe(502);
    expect(parse(response.body)).toMatchObject({
      status: 'verify_failed',
      stage: 'key_check',
      posthog_status: 401,
      posthog_message: expect.stringContaining('The provided API key is invalid or has expired.'),
      message: expect.stringContaining('refused the project API key configured in the forwarder (POSTHOG_API_KEY): nothing was sent'),
    });
    expect(posthog.requests.length).toBe(before);
  });

  it.each([
    [400, 'refused the check request itself as malformed'],
    [429, 'could not answer'],
    [503, 'could not answer'],
  ])('never answers verified when the flags endpoint answers %i: 502 at the key check, nothing sent', async (status, why) => {
    posthog.behaveFlags({ status, body: `HTTP ${status}` });
    const before = posthog.requests.length;
    const deps = verifyDeps(posthog.url);
    const response = await handleIntake(verifyRequest(), deps);
    expect(response.statusCode).toBe(502);
    expect(parse(response.body)).toMatchObject({
      status: 'verify_failed',
      stage: 'key_check',
      posthog_status: status,
      posthog_message: expect.stringContaining(why),
      message: expect.stringContaining('could not check the project API key'),
    });
    expect(posthog.requests.length).toBe(before);
    expect(deps.metrics.sum('Rejected', { reason: 'verify_key_check_failed' })).toBe(1);
  });

  it('falls back to /decide/ and then skips the key check with a warning when neither route exists', async () => {
    posthog.behaveFlags({ status: 404, body: 'Not Found' });
    const response = await handleIntake(verifyRequest(), verifyDeps(posthog.url));
    expect(response.statusCode).toBe(200);
    expect(posthog.flagsPaths).toEqual(['/flags/', '/decide/']);
    expect(parse(response.body)).toMatchObject({ status: 'verified', key_check: 'no_flags_endpoint' });
    expect(parse(response.body).warnings).toEqual([
      { path: 'verify', message: expect.stringContaining('the project key was not checked: this PostHog has no flags endpoint (HTTP 404') },
    ]);
    expect(posthog.events).toHaveLength(1);
  });

  it('answers 502 with PostHog’s status and message when capture refuses', async () => {
    posthog.behave(() => ({ status: 400, body: 'failed to parse request: invalid event' }));
    const deps = verifyDeps(posthog.url);
    const response = await handleIntake(verifyRequest(), deps);
    expect(response.statusCode).toBe(502);
    expect(parse(response.body)).toMatchObject({
      status: 'verify_failed',
      stage: 'capture',
      posthog_status: 400,
      posthog_message: 'failed to parse request: invalid event',
    });
    expect(deps.metrics.sum('Rejected', { reason: 'verify_rejected' })).toBe(1);
    expect(deps.logger.lines[0]?.fields).toMatchObject({ status: 502, posthog_status: 400 });
  });

  it('answers 502 without a PostHog status when capture is slower than the timeout', async () => {
    posthog.behave(() => ({ delayMs: 1_000 }));
    const deps = intakeDeps({ verify: createPostHogVerifier({ timeoutMs: 200, userAgent: 'test/1' }) });
    deps.config = { ...deps.config, posthogHost: posthog.url };
    const response = await handleIntake(verifyRequest(), deps);
    expect(response.statusCode).toBe(502);
    expect(parse(response.body)).toMatchObject({
      stage: 'capture',
      posthog_status: null,
      posthog_message: 'timed out after 200 ms',
      possibly_stored: true,
      // MOENGAGE_RECIPE_RENDERED has no $insert_id: its uuid comes from the body, so a re-send still maps to it.
      message: expect.stringContaining(
        'PostHog may still have stored the event(s); re-sending the same body is safe: it maps to the same uuids',
      ),
    });
  });

  it('answers 502 at the key check, sending nothing, when PostHog cannot be reached', async () => {
    const closed = await startFakePostHog();
    const url = closed.url;
    await closed.close();
    const response = await handleIntake(verifyRequest(), verifyDeps(url));
    expect(response.statusCode).toBe(502);
    expect(parse(response.body)).toMatchObject({
      stage: 'key_check',
      posthog_status: null,
      posthog_message: expect.stringContaining('/flags/?v=2 could not be reached'),
    });
  });
});
