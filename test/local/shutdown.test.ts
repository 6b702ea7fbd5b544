import { startLocalStack } from '../../local/runner.ts';
import { startFakePostHog } from '../support/fake-posthog.ts';

describe('npm start stopping with events still queued', () => {
  it('says how many events are lost with the in-memory queue', async () => {
    const down = await startFakePostHog();
    const host = down.url;
    await down.close(); // PostHog unreachable: the event stays queued
    const printed: string[] = [];
    const stack = await startLocalStack({
      env: { POSTHOG_HOST: host, POSTHOG_API_KEY: 'phc_local_test', WEBHOOK_TOKEN: 'local-token-123456', POSTHOG_TIMEOUT_MS: '200' },
      print: (line) => printed.push(line),
    });
    const response = await fetch(`${stack.url}/v1/connector`, {
      method: 'POST',
      headers: { authorization: 'Bearer local-token-123456', 'content-type': 'application/json' },
      body: '{"event":"e","distinct_id":"u"}',
    });
    expect(response.status).toBe(200);
    await stack.stop();
    expect(printed).toContain(
      '1 event(s) were still queued and are lost: the local queue lives in memory (an AWS deployment keeps them for 14 days)',
    );
  });
});
