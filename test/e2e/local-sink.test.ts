import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, startLocalStack } from '../../local/runner.ts';

describe('npm start without POSTHOG_HOST', () => {
  let stack: LocalStack;
  const printed: string[] = [];
  const file = join(mkdtempSync(join(tmpdir(), 'sink-')), 'events.ndjson');

  beforeAll(async () => {
    stack = await startLocalStack({ env: {}, sinkFile: file, print: (line) => printed.push(line) });
  });
  afterAll(async () => stack?.stop());

  it('generates a token and delivers to the local capture sink, which prints and appends each event', async () => {
    expect(stack.token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(stack.sink?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${stack.url}/v1/connector`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'text/plain' },
      body: '{"event":"purchase_completed","distinct_id":"user-123","properties":{"amount":"19.99"}}',
    });
    expect(response.status).toBe(200);
    const { events } = (await response.json()) as { events: Array<{ uuid: string }> };
    const uuid = events[0]?.uuid ?? '';

    const deadline = Date.now() + 15_000;
    while (!printed.some((line) => line.includes(uuid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const line = printed.find((l) => l.includes(uuid));
    if (!line) throw new Error(`the sink never printed event ${uuid}; printed: ${printed.join(' | ')}`);
    expect(line).toContain('[sink] purchase_completed distinct_id=user-123');
    const stored = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(stored).toEqual([
      expect.objectContaining({ uuid, event: 'purchase_completed', properties: expect.objectContaining({ amount: 19.99 }) }),
    ]);
  });

  it('answers ?verify=1 from the sink and says plainly that no PostHog project key was checked', async () => {
    const response = await fetch(`${stack.url}/v1/connector?verify=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
      body: '{"event":"verify_probe","distinct_id":"user-9"}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'verified',
      key_check: 'local_sink',
      warnings: [
        {
          path: 'verify',
          message: 'the project key was not checked: the built-in local capture sink answered: no PostHog project key was checked',
        },
      ],
    });
  });
});
