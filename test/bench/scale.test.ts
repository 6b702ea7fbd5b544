import { costInputs } from '../../bench/cost.ts';
import { estimateScale, filledBatch, readStackSizing } from '../../bench/scale.ts';
import { QUEUE_SETTINGS } from '../../shared/queue/settings.ts';

describe('filledBatch', () => {
  it.each([
    // events/s, batch size, window s → events per invocation
    [3_333, 1_000, 5, 1_000], // 16,665 gathered in a window: capped by the batch size
    [38.58, 1_000, 5, 192.9], // 100 M events a month: the window ends first
    [0.1, 1_000, 5, 1], // never below one event
    [3_333, 100, undefined, 100], // no window: the batch size
  ])('%d events/s, batch %d, window %p s: %d events per invocation', (rate, batch, window, expected) => {
    expect(filledBatch(rate, batch, window)).toBeCloseTo(expected, 1);
  });
});

describe('the scale model and the cost inputs follow the stack', () => {
  it("read the event source's batch size and window from infra (SIZING), as the stack deploys them", () => {
    expect(readStackSizing()).toMatchObject({
      forwarderBatchSize: QUEUE_SETTINGS.batchSize,
      forwarderBatchingWindowSeconds: QUEUE_SETTINGS.batchingWindowSeconds,
    });
  });

  it('fills the batch from the rate: at 6 events/s a 5 s window gathers 30 events, 0.2 invocations a second', () => {
    const estimate = estimateScale({ requestsPerMinute: 360, intakeCpuMicros: 0, forwarderCpuMicros: 0, ...readStackSizing() });
    expect(estimate.forwarder.eventsPerInvocation).toBeCloseTo(30, 9);
    expect(estimate.forwarder.invocationsPerSecond).toBeCloseTo(0.2, 9);
  });

  it('prices the forwarder log from both measured terms and the batch from the stack, never a stand-in', () => {
    const inputs = costInputs(
      {
        intakeCpuMicros: 800,
        intakeLogBytesPerRequest: 231,
        connectorMappingMicros: 15,
        streamsMappingMicrosPerEvent: 5,
        forwarderCpuMicrosPerEvent: 25,
        forwarderLog: { perInvocation: 737, perEvent: 171 },
      },
      { ...readStackSizing(), forwarderBatchSize: 1_000, forwarderBatchingWindowSeconds: 5 },
    );
    expect(inputs).toMatchObject({
      forwarderLogBytesPerInvocation: 737,
      forwarderLogBytesPerEvent: 171,
      eventsPerInvocation: 1_000,
      batchingWindowSeconds: 5,
      // (800 − 15) µs for each of the 10 SendMessageBatch calls + 100 × 5 µs of mapping
      streamsIntakeCpuMicros: 10 * 785 + 500,
    });
  });
});
