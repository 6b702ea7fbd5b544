import { billedMs, type CostInputs, costTable, eventsPerInvocation, forwarderLogFit, monthlyCost } from '../../bench/cost.ts';
import { renderCostTable } from '../../bench/report-cost.ts';

/** Round figures, so each expected value below is worked out by hand in its comment. */
const INPUTS: CostInputs = {
  intakeCpuMicros: 1_000, // 1 ms of a core; 2,048 MB ≥ 1,769 MB is a full core → 1 ms + 10 ms SQS wait = 11 ms
  streamsIntakeCpuMicros: 5_000, // 5 ms + 10 ms = 15 ms
  intakeLogBytesPerRequest: 500,
  forwarderCpuMicrosPerEvent: 0, // 0 + 150 ms PostHog wait = 150 ms per invocation
  forwarderLogBytesPerInvocation: 1_000,
  forwarderLogBytesPerEvent: 0,
  eventsPerInvocation: 100,
  intakeMemoryMb: 2_048,
  forwarderMemoryMb: 1_024,
};
const GB_S = 0.0000133334;

describe('billedMs', () => {
  it.each([
    // cpu µs, wait ms, memory MB → billed ms (CPU share memory/1,769 of a core, rounded up to 1 ms)
    [1_000, 10, 2_048, 11],
    [1_000, 10, 1_769, 11],
    [665, 10, 512, 13], // 0.665 × 1769/512 = 2.30 ms + 10 ms
    [0, 150, 512, 150],
  ])('%d µs CPU + %d ms wait at %d MB bills %d ms', (cpu, wait, memory, expected) => {
    expect(billedMs(cpu, wait, memory)).toBe(expected);
  });
});

describe('eventsPerInvocation', () => {
  // 2,592,000 s a month; a 5 s window at 100 M events a month gathers 100e6 / 2,592,000 × 5 = 192.9 events.
  it.each([
    [undefined, 100e6, 100],
    [5, 1e6, 1.93],
    [5, 100e6, 100], // capped by the batch size of 100
    [0, 1e6, 1], // never below one event
  ])('window %p s at %d events a month: %d events per invocation', (window, events, expected) => {
    const inputs = window === undefined ? INPUTS : { ...INPUTS, batchingWindowSeconds: window };
    expect(eventsPerInvocation(inputs, events)).toBeCloseTo(expected, 2);
  });

  it('prices the forwarder by the filled batch: a 1 s window at 1 M events a month means one invocation per event', () => {
    const full = monthlyCost(INPUTS, 1e6, 'connector', 'apiGateway');
    const windowed = monthlyCost({ ...INPUTS, batchingWindowSeconds: 1 }, 1e6, 'connector', 'apiGateway');
    // 1 M invocations of 150 ms at 1 GB = 150,000 GB-s + $0.20, against 10,000 invocations: 1,500 GB-s + $0.002.
    expect(windowed.items.forwarder).toBeCloseTo(150_000 * GB_S + 0.2, 4);
    expect(full.items.forwarder).toBeCloseTo(1_500 * GB_S + 0.002, 4);
  });
});

describe('forwarderLogFit', () => {
  it('splits the log into a part per invocation and a part per event through two batch sizes', () => {
    // 100 events → 17,789 bytes, 1,000 → 171,253: 153,464 / 900 = 170.52 per event, 17,789 − 17,052 = 737 fixed.
    const fit = forwarderLogFit([
      { batchSize: 100, logBytesPerInvocation: 17_789 },
      { batchSize: 1_000, logBytesPerInvocation: 171_253 },
    ]);
    expect(fit?.perEvent).toBeCloseTo(170.52, 2);
    expect(fit?.perInvocation).toBeCloseTo(737.4, 1);
    expect(forwarderLogFit([{ batchSize: 100, logBytesPerInvocation: 1 }])).toBeUndefined();
  });

  it('prices per-event log bytes by events, not invocations: 1 M events × 1,000 bytes = 1 GB = $0.50', () => {
    const base = monthlyCost({ ...INPUTS, forwarderLogBytesPerInvocation: 0, intakeLogBytesPerRequest: 0 }, 1e6, 'connector', 'apiGateway');
    const perEvent = monthlyCost(
      { ...INPUTS, forwarderLogBytesPerInvocation: 0, intakeLogBytesPerRequest: 0, forwarderLogBytesPerEvent: 1_000 },
      1e6,
      'connector',
      'apiGateway',
    );
    expect(perEvent.items.logs - base.items.logs).toBeCloseTo(0.5, 6);
  });
});

describe('monthlyCost', () => {
  it.each([
    {
      name: '1 M connector events behind API Gateway',
      args: [1e6, 'connector', 'apiGateway'] as const,
      items: {
        front: 1.0, // 1 M requests × $1.00/M
        intake: 0.2 + 1e6 * 0.011 * 2 * GB_S, // requests + 22,000 GB-s
        sqs: ((1e6 + 2 * 10 * 1e4 + 0.7e6) / 1e6) * 0.4, // sends + receives/deletes of 10 per 100-event invocation + idle polls
        forwarder: (1e4 / 1e6) * 0.2 + 1e4 * 0.15 * 1 * GB_S,
        logs: ((1e6 * 500 + 1e4 * 1_000) / 1e9) * 0.5,
      },
      floor: 1.6, // $1.00 HTTP API + $0.20 Lambda request + $0.40 SQS send
    },
    {
      name: '1 M connector events behind a function URL',
      args: [1e6, 'connector', 'functionUrl'] as const,
      items: {
        front: 0,
        intake: 0.2 + 1e6 * 0.011 * 2 * GB_S,
        sqs: ((1e6 + 2 * 10 * 1e4 + 0.7e6) / 1e6) * 0.4,
        forwarder: (1e4 / 1e6) * 0.2 + 1e4 * 0.15 * 1 * GB_S,
        logs: ((1e6 * 500 + 1e4 * 1_000) / 1e9) * 0.5,
      },
      floor: 0.6,
    },
    {
      name: '100 M Streams events (1 M requests of 100, 10 SendMessageBatch each) behind API Gateway',
      args: [100e6, 'streams', 'apiGateway'] as const,
      items: {
        front: 1.0,
        intake: 0.2 + 1e6 * 0.015 * 2 * GB_S,
        sqs: ((10e6 + 2 * 10 * 1e6 + 0.7e6) / 1e6) * 0.4,
        forwarder: 0.2 + 1e6 * 0.15 * 1 * GB_S,
        logs: ((1e6 * 500 + 1e6 * 1_000) / 1e9) * 0.5,
      },
      floor: (1.0 + 0.2 + 4.0) / 100,
    },
  ])('$name', ({ args, items, floor }) => {
    const row = monthlyCost(INPUTS, args[0], args[1], args[2]);
    for (const [item, usd] of Object.entries(items))
      expect({ item, usd: row.items[item as keyof typeof items] }).toEqual({ item, usd: expect.closeTo(usd, 9) });
    const total = Object.values(items).reduce((a, b) => a + b, 0);
    expect(row.totalUsd).toBeCloseTo(total, 9);
    expect(row.perMillionUsd).toBeCloseTo(total / (args[0] / 1e6), 9);
    expect(row.floorPerMillionUsd).toBeCloseTo(floor, 9);
  });

  it('prices HTTP API requests by tier: 1 B a month is 300 M at $1.00 + 700 M at $0.90', () => {
    expect(monthlyCost(INPUTS, 1e9, 'connector', 'apiGateway').items.front).toBeCloseTo(930, 6);
  });
});

describe('costTable', () => {
  it('covers 1 M, 100 M and 1 B events × connector and Streams × API Gateway and function URL, one table row each', () => {
    const rows = costTable(INPUTS);
    expect(rows.map((r) => `${r.eventsPerMonth} ${r.source} ${r.front}`)).toEqual(
      [1e6, 100e6, 1e9].flatMap((e) => ['connector', 'streams'].flatMap((s) => ['apiGateway', 'functionUrl'].map((f) => `${e} ${s} ${f}`))),
    );
    const table = renderCostTable(rows).split('\n');
    expect(table).toHaveLength(2 + 12);
    expect(table[2]).toBe('| 1 M | connector | API Gateway | $1.00 | $0.49 | $0.76 | $0.02 | $0.26 | $2.53 | 2.53 | 1.60 |');
  });
});
