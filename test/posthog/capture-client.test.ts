import { fetchTransport } from '#shared/lib/http-transport';
import { createNodeHttpTransport } from '#shared/lib/node-http-transport';
import { batchBody, classifyStatus, postBatch, postRawBatch, rawBatchBody } from '#shared/posthog/capture-client';
import type { PostHogEvent } from '#shared/posthog/event';
import { type FakePostHog, startFakePostHog } from '../support/fake-posthog.ts';

const event: PostHogEvent = {
  event: 'purchase_completed',
  distinct_id: 'user-1',
  properties: { amount: 19.99 },
  timestamp: '2026-11-23T10:00:00.000Z',
  uuid: '0192f1e2-8a4b-7c3d-9e5f-1a2b3c4d5e6f',
};

describe('classifyStatus', () => {
  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [400, 'rejected'],
    [413, 'rejected'],
    [299, 'ok'],
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [408, 'retryable'],
    [429, 'retryable'],
    [500, 'retryable'],
    [503, 'retryable'],
    [504, 'retryable'],
    [502, 'retryable'],
    [500, 'retryable'],
    // Unexpected codes (a mistyped self-hosted URL answering 404, a proxy's 415) delay events rather than drop them.
    [404, 'retryable'],
    [415, 'retryable'],
    [301, 'retryable'],
  ])('treats HTTP %i as %s', (status, expected) => {
    expect(classifyStatus(status)).toBe(expected);
  });
});

describe('rawBatchBody', () => {
  it('builds the same JSON as batchBody, with each event inserted byte for byte', () => {
    const json = JSON.stringify(event);
    const body = rawBatchBody('phc_"quoted"', [json, json]);
    expect(JSON.parse(body)).toEqual(JSON.parse(batchBody('phc_"quoted"', [event, event])));
    expect(body).toBe(`{"api_key":"phc_\\"quoted\\"","batch":[${json},${json}]}`);
    expect(body).not.toContain('sent_at');
  });
});

// The forwarder's node:http pool and the intake's built-in fetch (`?verify=1`) must give the same outcomes.
const pool = createNodeHttpTransport({ connections: 4, keepAliveTimeoutMs: 1_000, connectTimeoutMs: 1_000 });
afterAll(() => pool.close());

describe.each([
  ['a node:http pool', pool.send],
  ['built-in fetch', fetchTransport],
])('postBatch through %s', (_, send) => {
  let posthog: FakePostHog;
  const client = { send, timeoutMs: 500, userAgent: 'test/1', now: () => 0 };

  beforeAll(async () => {
    posthog = await startFakePostHog();
  });
  afterAll(async () => {
    await posthog.close();
  });

  it('POSTs a gzip body {"api_key","batch"} to /batch/ without sent_at', async () => {
    posthog.behave(() => ({}));
    await expect(postBatch(client, posthog.url, 'phc_key', [event])).resolves.toEqual({ ok: true, status: 200 });
    const request = posthog.requests.at(-1);
    expect(request?.path).toBe('/batch/');
    expect(request?.headers['content-encoding']).toBe('gzip');
    expect(request?.headers['user-agent']).toBe('test/1');
    expect(request?.capture).toMatchObject({ apiKey: 'phc_key', events: [event] });
  });

  it('sends the queued event text verbatim with postRawBatch', async () => {
    posthog.behave(() => ({}));
    const json = JSON.stringify(event);
    await expect(postRawBatch(client, posthog.url, 'phc_key', [json])).resolves.toEqual({ ok: true, status: 200 });
    expect(posthog.requests.at(-1)?.text).toBe(`{"api_key":"phc_key","batch":[${json}]}`);
  });

  it('returns PostHog status, message and Retry-After for a refused request', async () => {
    posthog.behave(() => ({ status: 429, body: 'slow down', headers: { 'retry-after': '2' } }));
    await expect(postBatch(client, posthog.url, 'phc_key', [event])).resolves.toEqual({
      ok: false,
      kind: 'retryable',
      status: 429,
      message: 'slow down',
      retryAfterMs: 2000,
    });
    posthog.behave(() => ({ status: 400, body: 'failed to parse request: bad uuid' }));
    await expect(postBatch(client, posthog.url, 'phc_key', [event])).resolves.toMatchObject({
      ok: false,
      kind: 'rejected',
      status: 400,
      message: 'failed to parse request: bad uuid',
    });
  });

  it('turns a reset connection and a response slower than the timeout into retryable outcomes', async () => {
    posthog.behave(() => ({ destroy: true }));
    await expect(postBatch(client, posthog.url, 'phc_key', [event])).resolves.toMatchObject({
      ok: false,
      kind: 'retryable',
      status: undefined,
      failure: 'network',
    });
    posthog.behave(() => ({ delayMs: 1_500 }));
    await expect(postBatch(client, posthog.url, 'phc_key', [event])).resolves.toMatchObject({
      ok: false,
      kind: 'retryable',
      message: 'timed out after 500 ms',
      failure: 'timeout',
    });
  });
});
