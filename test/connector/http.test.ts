import { type LocalStack, startLocalStack } from '../../local/runner.ts';
import { type FakePostHog, startFakePostHog } from '../support/fake-posthog.ts';

// The real intake handler (functions/intake/handler.ts, with its PostHog client for ?verify=1) behind the local
// HTTP adapter, fauxqs and the forwarder, delivering to a fake PostHog on 127.0.0.1.
/** uuid.uuid5(UUID("a3c5e0f2-6a0b-4c47-9a55-7f1e2d6b8c41"), "upgrade-31-1"), computed with Python. */
const UPGRADE_UUID = '58fe45fc-99ce-5798-bc27-3e13a21292d6';

describe('connector requests over HTTP through the real handlers', () => {
  let posthog: FakePostHog;
  let stack: LocalStack;
  const token = 'connector-http-token-2026';
  const apiKey = 'phc_connector_http_project';

  beforeAll(async () => {
    posthog = await startFakePostHog();
    posthog.validKeys.add(apiKey);
    stack = await startLocalStack({
      env: { POSTHOG_HOST: posthog.url, POSTHOG_API_KEY: apiKey, WEBHOOK_TOKEN: token, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      print: () => {},
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await posthog?.close();
  });

  const send = (body: string, contentType: string, query = '') =>
    fetch(`${stack.url}/v1/connector${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body,
    });

  it('delivers a MoEngage form body to PostHog', async () => {
    const response = await send(
      'event=Plan%20Upgraded&distinct_id=user-31&properties.plan=pro&properties.seats=5&%24set.plan=pro&%24insert_id=upgrade-31-1',
      'application/x-www-form-urlencoded',
    );
    expect(response.status).toBe(200);
    const [received] = await posthog.waitForEvents(1);
    expect(received).toEqual({
      event: 'Plan Upgraded',
      distinct_id: 'user-31',
      timestamp: expect.any(String),
      uuid: UPGRADE_UUID,
      properties: {
        plan: 'pro',
        seats: 5,
        $set: { plan: 'pro' },
        $insert_id: 'upgrade-31-1',
        $lib: 'moengage-posthog-forwarder',
        $lib_version: '0.1.0',
        $source: 'moengage',
        $geoip_disable: true,
      },
    });
  });

  it('?verify=1 checks the key on /flags/, delivers synchronously and answers 200', async () => {
    const before = posthog.events.length;
    const response = await send('{"event":"Connector Test","distinct_id":"test-user"}', 'text/plain', '?verify=1');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'verified', delivered: 1, warnings: [] });
    expect(posthog.events.length).toBe(before + 1);
    expect(posthog.flagsPaths.at(-1)).toBe('/flags/');
  });

  it('?verify=1 answers 502 with PostHog’s status when capture refuses', async () => {
    posthog.behave(() => ({ status: 400, body: 'failed to parse request' }));
    try {
      const response = await send('{"event":"Connector Test","distinct_id":"test-user"}', 'application/json', '?verify=1');
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ stage: 'capture', posthog_status: 400, posthog_message: 'failed to parse request' });
    } finally {
      posthog.behave(() => ({}));
    }
  });
});
