import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import type { DeliveryState } from '#shared/delivery/outage';
import { type ProberDeps, probeOnce } from '#shared/delivery/prober';
import type { SendResult } from '#shared/posthog/capture-client';
import { makeEvent } from './harness.ts';

const HOST = 'https://eu.i.posthog.com';
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const SETTINGS = { retryBaseSeconds: 60, retryMaxSeconds: 900, probeSeconds: 60 };
const PAUSED: DeliveryState = { status: 'paused', cause: 'unreachable', since: NOW - 600_000, nextProbeAt: NOW };

const record = (): SQSRecord =>
  ({
    messageId: 'm-1',
    receiptHandle: 'r-1',
    body: JSON.stringify(makeEvent(1)),
    attributes: { ApproximateReceiveCount: '1' },
    messageAttributes: {},
  }) as unknown as SQSRecord;

/** probeOnce with in-memory parts: a queue with `visible` records and `hidden` ones, PostHog answering `answer`. */
function prober(queue: { visible: number; hidden: number }, answer: SendResult) {
  let state: DeliveryState = PAUSED;
  const seen = { enabled: [] as boolean[], posts: 0, released: 0, removed: 0 };
  const deps: ProberDeps = {
    switch: {
      read: async () => state,
      write: async (next) => {
        state = next;
      },
    },
    settings: SETTINGS,
    eventSource: { setEnabled: async (enabled) => void seen.enabled.push(enabled) },
    queue: {
      takeOne: async () => (queue.visible > 0 ? record() : undefined),
      isEmpty: async () => queue.visible + queue.hidden === 0,
      release: async () => {
        seen.released += 1;
      },
      remove: async () => {
        seen.removed += 1;
      },
    },
    requeue: async () => {},
    maxReceiveCount: 8,
    deadLetters: { send: async () => {} } as unknown as ProberDeps['deadLetters'],
    defaultDestination: HOST,
    apiKey: async () => 'phc_test',
    post: async () => {
      seen.posts += 1;
      return answer;
    },
    now: () => NOW,
    logger: new Logger({ serviceName: 'prober-test', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'ProberTest', serviceName: 'prober-test' }),
  };
  return { deps, seen, state: () => state };
}

const UNAVAILABLE: SendResult = { ok: false, kind: 'retryable', status: 503, message: 'unavailable', retryAfterMs: undefined };

describe('probeOnce (one prober tick while PostHog is down)', () => {
  it('keeps delivery paused when nothing is visible but records handed back are still hidden (no request to PostHog)', async () => {
    const p = prober({ visible: 0, hidden: 300 }, UNAVAILABLE);
    expect(await probeOnce(p.deps)).toBe('waiting');
    expect(p.state()).toEqual(PAUSED);
    expect(p.seen).toEqual({ enabled: [false], posts: 0, released: 0, removed: 0 });
  });

  it('resumes when the queue holds nothing at all', async () => {
    const p = prober({ visible: 0, hidden: 0 }, UNAVAILABLE);
    expect(await probeOnce(p.deps)).toBe('resumed');
    expect(p.state()).toEqual({ status: 'delivering' });
    expect(p.seen.enabled).toEqual([false, true]);
  });

  it('sends one waiting event: a 503 keeps the pause and releases it, a 200 resumes and removes it', async () => {
    const down = prober({ visible: 5, hidden: 0 }, UNAVAILABLE);
    expect(await probeOnce(down.deps)).toBe('still_paused');
    expect(down.seen).toMatchObject({ posts: 1, released: 1, removed: 0 });
    expect(down.state()).toMatchObject({ status: 'paused', nextProbeAt: NOW + 60_000, lastError: 'HTTP 503 unavailable' });
    const up = prober({ visible: 5, hidden: 0 }, { ok: true, status: 200 });
    expect(await probeOnce(up.deps)).toBe('resumed');
    expect(up.seen).toMatchObject({ posts: 1, released: 0, removed: 1, enabled: [false, true] });
  });

  it.each([
    [
      'a capture error with serde detail quoting the event',
      'failed to parse request: invalid type: string "ann@example.com"',
      503,
      'HTTP 503 failed to parse request',
    ],
    [
      'a JSON answer',
      '{"type":"authentication_error","code":"invalid_api_key","detail":"key phc_secret is not valid"}',
      401,
      'HTTP 401 authentication_error/invalid_api_key',
    ],
    ['an HTML page', '<html><body>ann@example.com</body></html>', 502, 'HTTP 502 unrecognised answer'],
    ['an empty answer (the client says "HTTP 503")', 'HTTP 503', 503, 'HTTP 503'],
  ])("keeps only the class of PostHog's answer in the state delivery status shows: %s", async (_, text, status, lastError) => {
    const kind = status === 401 ? 'unauthorized' : 'retryable';
    const p = prober({ visible: 1, hidden: 0 }, { ok: false, kind, status, message: text, retryAfterMs: undefined } as SendResult);
    expect(await probeOnce(p.deps)).toBe('still_paused');
    expect(p.state()).toMatchObject({ status: 'paused', lastError });
    expect(JSON.stringify(p.state())).not.toMatch(/ann@example|phc_secret/);
  });
});
