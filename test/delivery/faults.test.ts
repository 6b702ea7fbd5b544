import type { FakeReply } from '../support/fake-posthog.ts';
import { copiesByUuid, type Harness, makeEvent, seededRandom, startHarness } from './harness.ts';

// Integration: the real forwarder logic, fauxqs on 127.0.0.1 with the local poller, and the fake PostHog.
describe('forwarder under injected faults', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('delivers every event when 30% of requests get 503 and 10% of connections reset; duplicates are byte-identical', async () => {
    const faults = seededRandom(20261123);
    const injected = { unavailable: 0, resetBeforeStoring: 0, resetAfterStoring: 0 };
    harness = await startHarness({
      random: seededRandom(1),
      batchSize: 10,
      behaviour: (): FakeReply => {
        const roll = faults();
        if (roll < 0.1) {
          // Half of the resets happen after PostHog stored the batch (the answer is lost): the source of duplicates.
          if (faults() < 0.5) {
            injected.resetBeforeStoring++;
            return { destroy: true, store: 0 };
          }
          injected.resetAfterStoring++;
          return { destroy: true };
        }
        if (roll < 0.4) {
          injected.unavailable++;
          return { status: 503, body: 'transient error, please retry' };
        }
        return {};
      },
    });
    const queued = Array.from({ length: 600 }, (_, n) => makeEvent(n + 1));
    await harness.enqueue(queued);
    harness.start();
    await harness.drained(60_000);

    const { posthog } = harness;
    const copies = copiesByUuid(posthog);
    const deadLettered = await harness.deadLetters(0);
    const lost = queued.filter((e) => !copies.has(e.uuid));
    const duplicates = posthog.events.length - copies.size;
    console.info(
      `fault test: queued ${queued.length}, distinct delivered ${copies.size}, dead-lettered ${deadLettered.length}, lost ${lost.length}, ` +
        `duplicate copies ${duplicates}; ${posthog.requests.length} requests: ${injected.unavailable} answered 503, ` +
        `${injected.resetBeforeStoring + injected.resetAfterStoring} reset (${injected.resetAfterStoring} after storing); ` +
        `${harness.responses.length} invocations`,
    );

    expect(lost).toEqual([]);
    expect(queued.length).toBe(copies.size + deadLettered.length);
    expect(copies.size).toBe(queued.length);
    // Every copy of an event, first or duplicate, is the event exactly as queued: same uuid, timestamp and body.
    const original = new Map(queued.map((e) => [e.uuid, JSON.stringify(e)]));
    for (const [uuid, list] of copies) {
      for (const copy of list) expect(JSON.stringify(copy)).toBe(original.get(uuid));
    }
    for (const request of posthog.requests) {
      for (const event of request.capture.events) expect(request.text).toContain(original.get(String(event.uuid)) ?? '<unknown uuid>');
    }
    // The faults really happened, and some records went back to the queue with a lengthened visibility.
    expect(injected.unavailable).toBeGreaterThan(0);
    expect(injected.resetBeforeStoring + injected.resetAfterStoring).toBeGreaterThan(0);
    expect(duplicates).toBeGreaterThan(0);
    expect(harness.visibility.length).toBeGreaterThan(0);
    expect(harness.visibility.flatMap((v) => v.refused)).toEqual([]);
  });

  it('waits at least the Retry-After of a 429 before the next attempt', async () => {
    harness = await startHarness({
      retry: { attempts: 3, baseMs: 10, capMs: 50 },
      behaviour: (_request, index) => (index === 0 ? { status: 429, body: 'rate limited', headers: { 'retry-after': '1' } } : {}),
    });
    await harness.enqueue([makeEvent(1)]);
    harness.start();
    await harness.posthog.waitForEvents(1);
    await harness.drained();
    const [first, second] = harness.posthog.requests;
    expect(first && second).toBeTruthy();
    // A lower bound measured with the fake's own arrival times (no upper bound: the machine may be slow).
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1_000);
    // It was the in-invocation retry that waited, not a redelivery by SQS.
    expect(harness.responses[0]?.batchItemFailures).toEqual([]);
  });

  it('retries responses slower than the request timeout without losing an event', async () => {
    harness = await startHarness({
      requestTimeoutMs: 300,
      // The first two requests are stored but answered too late (the client gives up): resent, deduplicated by uuid.
      behaviour: (_request, index) => (index < 2 ? { delayMs: 1_000 } : {}),
    });
    const queued = Array.from({ length: 10 }, (_, n) => makeEvent(n + 1));
    await harness.enqueue(queued);
    harness.start();
    await harness.drained();
    const copies = copiesByUuid(harness.posthog);
    expect([...copies.keys()].sort()).toEqual(queued.map((e) => e.uuid).sort());
    expect(harness.posthog.requests.length).toBeGreaterThanOrEqual(3);
    const original = new Map(queued.map((e) => [e.uuid, JSON.stringify(e)]));
    for (const [uuid, list] of copies) for (const copy of list) expect(JSON.stringify(copy)).toBe(original.get(uuid));
  });

  it('returns before the Lambda timeout when PostHog hangs, and delivers once it answers again', async () => {
    harness = await startHarness({
      // A 10 s request timeout inside a 1.5 s "Lambda": only the deadline can stop the request in time.
      requestTimeoutMs: 10_000,
      invocationTimeoutMs: 1_500,
      behaviour: (_request, index) => (index === 0 ? { delayMs: 5_000, store: 0 } : {}),
    });
    await harness.enqueue([makeEvent(1)]);
    harness.start();
    await harness.drained();
    expect(harness.errors).toEqual([]);
    expect(harness.responses[0]?.batchItemFailures).toHaveLength(1);
    expect(harness.posthog.events.map((e) => e.uuid)).toEqual([makeEvent(1).uuid]);
  });

  it('after a partial acceptance (first half stored, then 503) every event is present and duplicates keep their uuid', async () => {
    const attemptsPerBatch = new Map<string, number>();
    harness = await startHarness({
      batchSize: 40,
      batchingWindowMs: 2_000,
      behaviour: (request) => {
        const key = request.capture.events.map((e) => String(e.uuid)).join(',');
        const seen = attemptsPerBatch.get(key) ?? 0;
        attemptsPerBatch.set(key, seen + 1);
        return seen < 2 ? { status: 503, store: Math.floor(request.capture.events.length / 2) } : {};
      },
    });
    const queued = Array.from({ length: 40 }, (_, n) => makeEvent(n + 1));
    await harness.enqueue(queued);
    harness.start();
    await harness.drained();
    const copies = copiesByUuid(harness.posthog);
    expect([...copies.keys()].sort()).toEqual(queued.map((e) => e.uuid).sort());
    const duplicated = [...copies.values()].filter((list) => list.length > 1);
    expect(duplicated.length).toBeGreaterThan(0);
    for (const list of duplicated) expect(new Set(list.map((copy) => JSON.stringify(copy))).size).toBe(1);
  });
});
