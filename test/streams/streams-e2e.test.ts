import { type LocalStack, startLocalStack } from '../../local/runner.ts';
import expected from '../fixtures/streams/expected.json' with { type: 'json' };
import { type FakePostHog, startFakePostHog } from '../support/fake-posthog.ts';
import { fixtureBatch } from './support.ts';

// MoEngage Streams through the whole local chain: HTTP adapter → intake → fauxqs → poller → forwarder → fake PostHog.
describe('MoEngage Streams end to end', () => {
  let posthog: FakePostHog;
  let stack: LocalStack;
  const token = 'streams-e2e-token';

  beforeAll(async () => {
    posthog = await startFakePostHog();
    stack = await startLocalStack({
      env: { POSTHOG_HOST: posthog.url, POSTHOG_API_KEY: 'phc_streams_e2e', WEBHOOK_TOKEN: token, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      print: () => {},
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await posthog?.close();
  });

  const postBatch = () =>
    fetch(`${stack.url}/v1/streams`, {
      method: 'POST',
      // MoEngage Streams sends JSON with Basic auth (or a static header asked for in the enablement ticket).
      headers: { authorization: `Basic ${Buffer.from(`moengage:${token}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify(fixtureBatch()),
    });

  it('delivers every valid event exactly as mapped, and a resent batch as identical events PostHog deduplicates by uuid', async () => {
    const first = await postBatch();
    expect(first.status).toBe(200);
    const accepted = (await first.json()) as { status: string; queued: number; rejected: Array<{ index: number }> };
    expect(accepted).toMatchObject({ status: 'ok', queued: expected.events.length });
    expect(accepted.rejected.map((r) => r.index)).toEqual(expected.rejected.map((r) => r.index));

    const delivered = await posthog.waitForEvents(expected.events.length);
    expect(delivered).toHaveLength(expected.events.length);
    expect(delivered).toEqual(expect.arrayContaining(expected.events.map((e) => e.posthog)));
    expect(posthog.requests.every((r) => r.path === '/batch/' && r.capture.apiKey === 'phc_streams_e2e')).toBe(true);

    // MoEngage retries a whole batch after a non-2xx (30, 60, 120 s later): the copies must be byte-identical.
    const retry = await postBatch();
    expect(retry.status).toBe(200);
    const all = await posthog.waitForEvents(2 * expected.events.length);
    for (const { posthog: event } of expected.events) {
      const copies = all.filter((e) => e.uuid === event.uuid).map((e) => JSON.stringify(e));
      expect(copies).toHaveLength(2);
      expect(copies[1]).toBe(copies[0]);
    }
  });
});
