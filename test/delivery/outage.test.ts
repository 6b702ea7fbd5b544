import type { FakeReply } from '../support/fake-posthog.ts';
import { copiesByUuid, type Harness, makeEvent, startHarness } from './harness.ts';

// Scaled time: RETRY_BASE_SECONDS = RETRY_MAX_SECONDS = OUTAGE_PROBE_SECONDS = 1 (docs/operations.md, "Outages").
const SETTINGS = { retryBaseSeconds: 1, retryMaxSeconds: 1, probeSeconds: 1 };
const MAX_RECEIVE_COUNT = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the breaker reaches `status`, failing with what it was instead. */
async function waitForState(harness: Harness, status: 'paused' | 'delivering', timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = await harness.deliveryState();
  while (last.status !== status && Date.now() < end) {
    await sleep(50);
    last = await harness.deliveryState();
  }
  if (last.status !== status) throw new Error(`delivery never became ${status} within ${timeoutMs} ms; it is ${JSON.stringify(last)}`);
}

/** Waits until PostHog stored every uuid at least once, failing with how many never arrived. */
async function waitForAll(posthog: Harness['posthog'], uuids: string[], timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  const missing = () => {
    const stored = new Set(posthog.events.map((e) => String(e.uuid)));
    return uuids.filter((u) => !stored.has(u));
  };
  while (missing().length > 0 && Date.now() < end) await sleep(50);
  const left = missing();
  if (left.length > 0) throw new Error(`${left.length} of ${uuids.length} events never reached PostHog within ${timeoutMs} ms`);
}

describe('a PostHog outage 100 × RETRY_MAX_SECONDS long', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('ends with nothing dead-lettered, everything delivered after recovery, and only probes reaching PostHog while down', async () => {
    let phase: 'down_503' | 'hanging' | 'up' = 'down_503';
    harness = await startHarness({
      outage: { settings: SETTINGS, maxReceiveCount: MAX_RECEIVE_COUNT },
      batchSize: 10,
      behaviour: (): FakeReply =>
        phase === 'down_503' ? { status: 503, body: 'upstream unavailable' } : phase === 'hanging' ? { delayMs: 3_000, store: 0 } : {},
    });
    const first = Array.from({ length: 60 }, (_, n) => makeEvent(n + 1));
    await harness.enqueue(first);
    harness.start();
    await waitForState(harness, 'paused');
    const { posthog } = harness;
    const requestsAtPause = posthog.requests.length;
    const outageStart = Date.now();

    await sleep(33_000); // 503s
    await posthog.refuseConnections();
    const later = Array.from({ length: 40 }, (_, n) => makeEvent(n + 61));
    await harness.enqueue(later); // events keep arriving during the outage
    await sleep(33_000); // connections refused
    await posthog.acceptConnections();
    phase = 'hanging';
    await sleep(34_000); // connections accepted, answers never come
    const outageSeconds = (Date.now() - outageStart) / 1000;
    const requestsDuringOutage = posthog.requests.length - requestsAtPause;
    expect(await harness.deliveryState()).toMatchObject({ status: 'paused', cause: 'unreachable' });

    phase = 'up';
    // Recovery: a probe within OUTAGE_PROBE_SECONDS, the waiting records visible again within another, then the drain.
    const all = [...first, ...later];
    await waitForAll(
      posthog,
      all.map((e) => e.uuid),
      30_000,
    );
    await harness.drained(30_000);
    const copies = copiesByUuid(posthog);
    expect(all.filter((e) => !copies.has(e.uuid))).toEqual([]);
    await expect(harness.deadLetters(1, 1_000)).rejects.toThrow('found 0');
    // At most one probe per OUTAGE_PROBE_SECONDS reached PostHog while it was down (plus the one in flight at the end).
    expect(requestsDuringOutage).toBeLessThanOrEqual(Math.ceil(outageSeconds / SETTINGS.probeSeconds) + 1);
    expect(await harness.deliveryState()).toEqual({ status: 'delivering' });
    console.info(
      `outage test: ${outageSeconds.toFixed(0)} s outage, ${requestsDuringOutage} PostHog requests during it, ` +
        `${harness.verdicts.filter((v) => v === 'still_paused').length} failed probes, ${copies.size} events delivered, 0 dead-lettered`,
    );
  }, 180_000);
});

describe('a refused project key fixed mid-outage, with a poison event in the backlog', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('waits while the key is refused, resumes once the secret holds the right key, and dead-letters only the poison event', async () => {
    let key = 'phc_revoked';
    harness = await startHarness({
      outage: { settings: SETTINGS, maxReceiveCount: MAX_RECEIVE_COUNT },
      batchSize: 10,
      apiKey: () => key,
      behaviour: (request): FakeReply => {
        if (request.capture.apiKey !== 'phc_right') return { status: 401, body: 'invalid API key' };
        if (request.capture.events.some((e) => (e.properties as Record<string, unknown> | undefined)?.poison)) {
          return { status: 400, body: 'invalid event' };
        }
        return {};
      },
    });
    const events = [...Array.from({ length: 30 }, (_, n) => makeEvent(n + 1)), makeEvent(31, { poison: true })];
    await harness.enqueue(events);
    harness.start();
    await waitForState(harness, 'paused');
    expect(await harness.deliveryState()).toMatchObject({ status: 'paused', cause: 'key_refused' });
    await sleep(8_000); // 8 × RETRY_MAX_SECONDS, twice maxReceiveCount's worth of receives
    key = 'phc_right'; // the operator fixes the secret
    await harness.posthog.waitForEvents(30, 20_000);
    await harness.drained(20_000);
    const dead = await harness.deadLetters(1);
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]?.Body ?? '{}')).toMatchObject({ uuid: makeEvent(31).uuid });
    expect(dead[0]?.MessageAttributes?.dlq_reason?.StringValue).toBe('rejected');
    const copies = copiesByUuid(harness.posthog);
    expect(events.slice(0, 30).filter((e) => !copies.has(e.uuid))).toEqual([]);
    expect(await harness.deliveryState()).toEqual({ status: 'delivering' });
  }, 60_000);
});
