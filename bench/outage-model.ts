/**
 * What an outage costs and how long the drain takes (docs/operations.md, "Outages: the model"). Pure arithmetic
 * from the stack's settings, AWS list prices and one modelled figure: the forwarder's drain rate at the event
 * source's default maxConcurrency of 5 (docs/benchmarks.md §5, scale model: 3,103 events/s; the local recovery
 * benchmark, §6, drains faster with no network round trip).
 */
export const MODEL_INPUTS = {
  probeSeconds: 60,
  /** docs/benchmarks.md, "Forwarder event source maxConcurrency (5)". */
  drainPerSecond: 3_103,
  /** Requests already in flight when the breaker opens: maxConcurrency 5 invocations × 3 attempts. */
  openingRequests: 15,
  /** Per probe: ListQueueTags, ReceiveMessage, ChangeMessageVisibility or DeleteMessage, TagQueue. */
  sqsRequestsPerProbe: 4,
  sqsPricePerRequest: 0.4 / 1e6,
  /** The prober: 256 MB arm64, about 0.2 s billed per run, $0.0000133334 per GB-s and $0.20 per million requests. */
  lambdaCostPerProbe: 0.2 / 1e6 + 0.25 * 0.2 * 0.0000133334,
  retentionDays: 14,
} as const;

export interface OutageRow {
  label: string;
  ratePerSecond: number;
  durationSeconds: number;
  backlog: number;
  posthogRequests: number;
  waitingCostUsd: number;
  drainSeconds: number;
}

/** One outage: events keep arriving at `ratePerSecond` during the drain, so the backlog shrinks at drain − rate. */
export function outageRow(label: string, durationSeconds: number, ratePerSecond: number, inputs = MODEL_INPUTS): OutageRow {
  const probes = Math.ceil(durationSeconds / inputs.probeSeconds);
  const backlog = ratePerSecond * durationSeconds;
  const net = inputs.drainPerSecond - ratePerSecond;
  return {
    label,
    ratePerSecond,
    durationSeconds,
    backlog,
    posthogRequests: probes + inputs.openingRequests,
    waitingCostUsd: probes * (inputs.sqsRequestsPerProbe * inputs.sqsPricePerRequest + inputs.lambdaCostPerProbe),
    drainSeconds: net > 0 ? backlog / net : Number.POSITIVE_INFINITY,
  };
}

export const OUTAGES: ReadonlyArray<[string, number]> = [
  ['1 hour', 3_600],
  ['24 hours', 86_400],
  ['7 days', 7 * 86_400],
];

const duration = (seconds: number): string =>
  !Number.isFinite(seconds)
    ? 'never (raise maxConcurrency)'
    : seconds < 60
      ? `${Math.round(seconds)} s`
      : seconds < 3_600
        ? `${Math.round(seconds / 60)} min`
        : `${(seconds / 3_600).toFixed(1)} h`;

/** The table in docs/operations.md. */
export function renderOutageTable(): string {
  const rows = [10, 1_000].flatMap((rate) => OUTAGES.map(([label, seconds]) => outageRow(label, seconds, rate)));
  return [
    '| Outage | Events/s | Waiting events | Requests to PostHog | SQS + Lambda cost of waiting | Drain after recovery |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${r.ratePerSecond.toLocaleString('en-US')} | ${r.backlog.toLocaleString('en-US')} | ${r.posthogRequests.toLocaleString('en-US')} | $${r.waitingCostUsd.toFixed(4)} | ${duration(r.drainSeconds)} |`,
    ),
  ].join('\n');
}
