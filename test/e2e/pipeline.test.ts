import { type LocalStack, startLocalStack } from '../../local/runner.ts';
import { type FakePostHog, startFakePostHog } from '../support/fake-posthog.ts';

// The whole chain with the real pieces: HTTP adapter → intake handler → fauxqs → poller → forwarder handler → PostHog.
describe('local pipeline to a capture-compatible server', () => {
  let posthog: FakePostHog;
  let stack: LocalStack;
  const token = 'e2e-token-0123456789';

  beforeAll(async () => {
    posthog = await startFakePostHog();
    stack = await startLocalStack({
      env: { POSTHOG_HOST: posthog.url, POSTHOG_API_KEY: 'phc_e2e_project_key', WEBHOOK_TOKEN: `${token},old-token-still-valid` },
      print: () => {},
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await posthog?.close();
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}/v1/connector`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body,
    });

  it('delivers a MoEngage connector event to PostHog exactly as mapped at intake', async () => {
    const response = await post(
      JSON.stringify({
        event: 'purchase_completed',
        distinct_id: 'user-42',
        timestamp: '2026-11-23T10:15:00Z',
        api_key: 'phc_typed_in_moengage',
        properties: { amount: '19.99', currency: 'EUR', item_names: "['shoes', 'socks']", order_id: '00123' },
      }),
    );
    expect(response.status).toBe(200);
    const accepted = (await response.json()) as { status: string; queued: number; events: Array<{ uuid: string }>; warnings: unknown[] };
    expect(accepted).toMatchObject({ status: 'ok', queued: 1, events: [{ event: 'purchase_completed', distinct_id: 'user-42' }] });
    expect(accepted.warnings).toEqual([{ path: 'api_key', message: expect.stringContaining('ignored') }]);
    const uuid = accepted.events[0]?.uuid;

    const [received] = await posthog.waitForEvents(1);
    expect(received).toEqual({
      event: 'purchase_completed',
      distinct_id: 'user-42',
      timestamp: '2026-11-23T10:15:00.000Z',
      uuid,
      properties: {
        amount: 19.99,
        currency: 'EUR',
        item_names: ['shoes', 'socks'],
        order_id: '00123',
        $lib: 'moengage-posthog-forwarder',
        $lib_version: '0.1.0',
        $source: 'moengage',
        $geoip_disable: true,
      },
    });
    const request = posthog.requests[0];
    expect(request?.path).toBe('/batch/');
    expect(request?.headers['content-encoding']).toBe('gzip');
    expect(request?.capture.apiKey).toBe('phc_e2e_project_key');
  });

  it('accepts an older token during rotation and answers 401 for a wrong one', async () => {
    const body = JSON.stringify({ event: '$identify', distinct_id: 'user-7', $set: { email: 'a@example.com' } });
    const old = await post(body, { authorization: 'Bearer old-token-still-valid' });
    expect(old.status).toBe(200);
    const wrong = await post(body, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Bearer');
    const events = await posthog.waitForEvents(2);
    expect(events.find((e) => e.event === '$identify')).toMatchObject({
      distinct_id: 'user-7',
      properties: { $set: { email: 'a@example.com' } },
    });
  });

  it('answers health without a token and sends nothing for invalid input', async () => {
    const health = await fetch(`${stack.url}/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const before = posthog.requests.length;
    const invalid = await post(JSON.stringify({ event: 'x', distinct_id: "{{UserAttribute['ID']}}" }));
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({
      status: 'rejected',
      errors: [{ path: 'distinct_id', message: expect.stringContaining('unrendered') }],
    });
    expect(posthog.requests.length).toBe(before);
  });
});
