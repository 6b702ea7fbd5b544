import type { Message } from '@aws-sdk/client-sqs';
import { DLQ_ATTRIBUTES } from '#shared/delivery/dead-letter';
import type { FakeBehaviour } from '../support/fake-posthog.ts';
import { copiesByUuid, type Harness, makeEvent, startHarness, uuidsIn } from './harness.ts';

const attribute = (message: Message | undefined, name: string): string | undefined => message?.MessageAttributes?.[name]?.StringValue;

// Integration: the real forwarder logic, fauxqs on 127.0.0.1 with the local poller, and the fake PostHog.
describe('forwarder with events PostHog refuses for good', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('delivers the other 49 of a batch of 50 and dead-letters the one refused with 400 after a single receive', async () => {
    const queued = Array.from({ length: 50 }, (_, n) => makeEvent(n + 1));
    const poison = queued[17]?.uuid ?? '';
    harness = await startHarness({
      batchSize: 50,
      batchingWindowMs: 3_000,
      // PostHog refuses the whole request when one event is unparseable (docs/architecture.md, "PostHog: Responses").
      behaviour: (request) =>
        uuidsIn(request).includes(poison) ? { status: 400, body: `failed to parse request: invalid event ${poison}`, store: 0 } : {},
    });
    await harness.enqueue(queued);
    harness.start();
    await harness.drained();
    const [dead, ...others] = await harness.deadLetters(1);

    const copies = copiesByUuid(harness.posthog);
    expect(copies.size).toBe(49);
    expect(copies.has(poison)).toBe(false);
    expect(others).toEqual([]);
    expect(harness.responses).toHaveLength(1);
    expect(harness.responses[0]?.batchItemFailures).toEqual([]);
    expect(dead?.Body).toBe(JSON.stringify(queued[17]));
    const carriedIn = harness.posthog.requests.filter((r) => uuidsIn(r).includes(poison)).length;
    expect({
      reason: attribute(dead, DLQ_ATTRIBUTES.reason),
      status: attribute(dead, DLQ_ATTRIBUTES.httpStatus),
      message: attribute(dead, DLQ_ATTRIBUTES.message),
      attempts: attribute(dead, DLQ_ATTRIBUTES.attempts),
      receiveCount: attribute(dead, DLQ_ATTRIBUTES.receiveCount),
      destination: attribute(dead, 'destination'),
    }).toEqual({
      reason: 'rejected',
      status: '400',
      message: `failed to parse request: invalid event ${poison}`,
      attempts: String(carriedIn),
      receiveCount: '1',
      destination: harness.posthog.url,
    });
    expect(Date.parse(attribute(dead, DLQ_ATTRIBUTES.firstSeen) ?? '')).not.toBeNaN();
    // Halving isolates it in about log2(50) + 1 requests, far fewer than one request per event.
    expect(carriedIn).toBeLessThanOrEqual(8);
  });

  it('isolates an event PostHog refuses as too large (413) the same way', async () => {
    // PostHog refuses an event above ~1 MB (EventTooBig), but SQS (and fauxqs) carry at most 1 MiB per message, so a
    // 1.2 MB event never reaches the forwarder: the intake answers 413 before queueing it. What can reach it is an
    // event under the SQS limit that PostHog still finds too big; the fake models that with a 200 kB per-event limit
    // and a 300 kB event, storing the events before the big one as PostHog may ("Earlier events … accepted").
    const maxEventBytes = 200_000;
    const tooBig: FakeBehaviour = (request) => {
      const index = request.capture.events.findIndex((e) => JSON.stringify(e).length > maxEventBytes);
      return index === -1 ? {} : { status: 413, body: 'EventTooBig: event size exceeds the limit', store: index };
    };
    const queued = Array.from({ length: 20 }, (_, n) => makeEvent(n + 1, n === 10 ? { blob: 'x'.repeat(300_000) } : {}));
    const big = queued[10]?.uuid ?? '';
    harness = await startHarness({ batchSize: 20, batchingWindowMs: 3_000, behaviour: tooBig });
    await harness.enqueue(queued);
    harness.start();
    await harness.drained();
    const [dead] = await harness.deadLetters(1);

    const copies = copiesByUuid(harness.posthog);
    expect(copies.size).toBe(19);
    expect(copies.has(big)).toBe(false);
    for (const list of copies.values()) expect(new Set(list.map((copy) => JSON.stringify(copy))).size).toBe(1);
    expect(dead?.Body).toBe(JSON.stringify(queued[10]));
    expect(attribute(dead, DLQ_ATTRIBUTES.httpStatus)).toBe('413');
    expect(attribute(dead, DLQ_ATTRIBUTES.message)).toBe('EventTooBig: event size exceeds the limit');
    expect(attribute(dead, DLQ_ATTRIBUTES.receiveCount)).toBe('1');
  });
});

describe('forwarder handing records back to SQS', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
  });

  it('lengthens the visibility of a failed record exponentially with its receive count', async () => {
    harness = await startHarness({
      // No retry inside the invocation, and a queue default so long that only the lengthened visibility
      // (1 s, then 2 s) can bring the record back within the test.
      retry: { attempts: 1, baseMs: 10, capMs: 10 },
      queueVisibilitySeconds: 120,
      visibilityPolicy: { baseSeconds: 1, capSeconds: 8 },
      random: () => 0.999,
      behaviour: (_request, index) => (index < 2 ? { status: 503, body: 'transient error, please retry' } : {}),
    });
    await harness.enqueue([makeEvent(1)]);
    harness.start();
    await harness.posthog.waitForEvents(1, 20_000);
    await harness.drained();
    expect(harness.visibility.map((v) => v.changes.map((c) => c.seconds))).toEqual([[1], [2]]);
    expect(harness.visibility.flatMap((v) => v.refused)).toEqual([]);
    const [first, second, third] = harness.posthog.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(2_000);
  });
});
