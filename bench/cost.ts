import { ASSUMPTIONS, filledBatch, PRICES, QUOTAS, type readStackSizing, tiered } from './scale.ts';

/**
 * What the stack costs a month per million events, from the figures `npm run bench` measures. Pure: no clock, no
 * I/O; test/bench/cost.test.ts holds the arithmetic. Prices are AWS list prices for us-east-1 (on-demand, free tiers
 * not subtracted), from https://aws.amazon.com/lambda/pricing/, https://aws.amazon.com/api-gateway/pricing/,
 * https://aws.amazon.com/sqs/pricing/ and https://aws.amazon.com/cloudwatch/pricing/ (PRICES in bench/scale.ts, plus
 * the two below). A Lambda function URL costs nothing beyond the function's own requests and duration
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html, "Pricing").
 */
export const LOG_PRICES = {
  /** CloudWatch Logs standard ingestion, per GB (https://aws.amazon.com/cloudwatch/pricing/). */
  ingestPerGb: 0.5,
} as const;

/** MoEngage Streams posts up to 100 events per request (docs/streams.md); the queue sends ≤ 10 per SendMessageBatch. */
export const STREAMS_EVENTS_PER_REQUEST = 100;
export const SQS_ENTRIES_PER_CALL = 10;
/** Empty long polls of the SQS event source when idle, per month (docs/deploy.md, cost estimate). */
export const IDLE_POLLS_PER_MONTH = 0.7e6;

export type Source = 'connector' | 'streams';
export type Front = 'apiGateway' | 'functionUrl';

export interface CostInputs {
  /** Measured: intake CPU per connector request (one event), µs of one full core, SQS send included. */
  intakeCpuMicros: number;
  /** Derived from measurements: intake CPU per Streams request of STREAMS_EVENTS_PER_REQUEST events. */
  streamsIntakeCpuMicros: number;
  /** Measured: bytes the intake writes to its log per request at the default level (EMF metrics and log lines). */
  intakeLogBytesPerRequest: number;
  /** Measured: forwarder CPU per event, µs of one full core. */
  forwarderCpuMicrosPerEvent: number;
  /** Measured: bytes the forwarder writes to its log per invocation at the default level, whatever its size. */
  forwarderLogBytesPerInvocation: number;
  /** Measured: and per event it delivers (its entry in the "events delivered" INFO line, its EMF latency value). */
  forwarderLogBytesPerEvent: number;
  /** Events per forwarder invocation at most (the event source's batch size). */
  eventsPerInvocation: number;
  /**
   * The event source's batching window: when given, a workload's invocations carry at most the events that arrive in
   * one window at its average rate (taking them all to land in one batch), never more than the batch size.
   */
  batchingWindowSeconds?: number;
  intakeMemoryMb: number;
  forwarderMemoryMb: number;
}

export interface CostItems {
  front: number;
  intake: number;
  sqs: number;
  forwarder: number;
  logs: number;
}

export interface CostRow {
  eventsPerMonth: number;
  source: Source;
  front: Front;
  items: CostItems;
  totalUsd: number;
  perMillionUsd: number;
  /** What AWS charges for the unavoidable calls alone: the front, one Lambda request and the SQS sends. */
  floorPerMillionUsd: number;
}

/** Lambda bills duration in 1 ms steps; the CPU share at `memoryMb` is memoryMb / 1,769 of a core. */
export function billedMs(cpuMicros: number, waitMs: number, memoryMb: number): number {
  const cpuMs = (cpuMicros / 1000) * Math.max(1, QUOTAS.lambdaMbPerVcpu / memoryMb) * ASSUMPTIONS.coreSpeedRatio;
  return Math.ceil(cpuMs + waitMs);
}

const lambdaUsd = (invocations: number, ms: number, memoryMb: number): number =>
  (invocations / 1e6) * PRICES.lambdaPerMillionRequests + tiered(invocations * (ms / 1000) * (memoryMb / 1024), PRICES.lambdaGbSecond, 1);

/** Events per forwarder invocation for a workload: the batch size, or what one batching window gathers if fewer. */
export function eventsPerInvocation(inputs: CostInputs, eventsPerMonth: number): number {
  return filledBatch(eventsPerMonth / ASSUMPTIONS.secondsPerMonth, inputs.eventsPerInvocation, inputs.batchingWindowSeconds);
}

/** The monthly bill of the variable items for one workload; fixed monthly items (secrets, alarms, KMS) are left out. */
export function monthlyCost(inputs: CostInputs, eventsPerMonth: number, source: Source, front: Front): CostRow {
  const perRequest = source === 'connector' ? 1 : STREAMS_EVENTS_PER_REQUEST;
  const requests = eventsPerMonth / perRequest;
  const sendsPerRequest = Math.ceil(perRequest / SQS_ENTRIES_PER_CALL);
  const perInvocation = eventsPerInvocation(inputs, eventsPerMonth);
  const invocations = eventsPerMonth / perInvocation;
  const intakeCpu = source === 'connector' ? inputs.intakeCpuMicros : inputs.streamsIntakeCpuMicros;
  const intakeMs = billedMs(intakeCpu, ASSUMPTIONS.sqsSendMs, inputs.intakeMemoryMb);
  const forwarderMs = billedMs(inputs.forwarderCpuMicrosPerEvent * perInvocation, ASSUMPTIONS.posthogBatchMs, inputs.forwarderMemoryMb);
  const receivesAndDeletes = 2 * Math.ceil(perInvocation / SQS_ENTRIES_PER_CALL) * invocations;
  const items: CostItems = {
    front: front === 'apiGateway' ? tiered(requests, PRICES.httpApiPerMillion, 1e6) : 0,
    intake: lambdaUsd(requests, intakeMs, inputs.intakeMemoryMb),
    sqs: ((requests * sendsPerRequest + receivesAndDeletes + IDLE_POLLS_PER_MONTH) / 1e6) * PRICES.sqsPerMillion,
    forwarder: lambdaUsd(invocations, forwarderMs, inputs.forwarderMemoryMb),
    logs:
      ((requests * inputs.intakeLogBytesPerRequest +
        invocations * inputs.forwarderLogBytesPerInvocation +
        eventsPerMonth * inputs.forwarderLogBytesPerEvent) /
        1e9) *
      LOG_PRICES.ingestPerGb,
  };
  const totalUsd = Object.values(items).reduce((sum, usd) => sum + usd, 0);
  const floor =
    (front === 'apiGateway' ? tiered(requests, PRICES.httpApiPerMillion, 1e6) : 0) +
    (requests / 1e6) * PRICES.lambdaPerMillionRequests +
    ((requests * sendsPerRequest) / 1e6) * PRICES.sqsPerMillion;
  return {
    eventsPerMonth,
    source,
    front,
    items,
    totalUsd,
    perMillionUsd: totalUsd / (eventsPerMonth / 1e6),
    floorPerMillionUsd: floor / (eventsPerMonth / 1e6),
  };
}

export const COST_VOLUMES = [1e6, 100e6, 1e9] as const;

/** Every volume × source × front, in the order the table shows them. */
export const costTable = (inputs: CostInputs): CostRow[] =>
  COST_VOLUMES.flatMap((events) =>
    (['connector', 'streams'] as const).flatMap((source) =>
      (['apiGateway', 'functionUrl'] as const).map((front) => monthlyCost(inputs, events, source, front)),
    ),
  );

/** The targets, at 100 M connector events a month (USD per million events). */
export const COST_TARGETS = { apiGateway: 2.0, functionUrl: 1.0 } as const;

/** The measured figures `npm run bench` feeds the cost table, with how the Streams request's CPU is derived. */
export interface MeasuredForCost {
  intakeCpuMicros: number;
  intakeLogBytesPerRequest: number;
  connectorMappingMicros: number;
  streamsMappingMicrosPerEvent: number;
  forwarderCpuMicrosPerEvent: number;
  /**
   * Measured by bench/batching.ts at two batch sizes, at the deployed INFO level: the forwarder's log per invocation
   * (its EMF document) and per event (mostly its "events delivered" line, which names every delivered event), a
   * straight line through both (forwarderLogFit).
   */
  forwarderLog: { perInvocation: number; perEvent: number };
}

/**
 * Cost inputs from measurements: a Streams request costs the connector request's overhead once, the mapping of each
 * event, and nine more SendMessageBatch calls, each priced as the connector request's CPU without its mapping.
 * The forwarder's log is priced per invocation and per event, from two measured batch sizes.
 */
export const costInputs = (m: MeasuredForCost, sizing: ReturnType<typeof readStackSizing>): CostInputs => {
  const sendMicros = Math.max(0, m.intakeCpuMicros - m.connectorMappingMicros);
  const extraSends = Math.ceil(STREAMS_EVENTS_PER_REQUEST / SQS_ENTRIES_PER_CALL) - 1;
  return {
    intakeCpuMicros: m.intakeCpuMicros,
    streamsIntakeCpuMicros: sendMicros + STREAMS_EVENTS_PER_REQUEST * m.streamsMappingMicrosPerEvent + extraSends * sendMicros,
    intakeLogBytesPerRequest: m.intakeLogBytesPerRequest,
    forwarderCpuMicrosPerEvent: m.forwarderCpuMicrosPerEvent,
    forwarderLogBytesPerInvocation: m.forwarderLog.perInvocation,
    forwarderLogBytesPerEvent: m.forwarderLog.perEvent,
    eventsPerInvocation: sizing.forwarderBatchSize,
    batchingWindowSeconds: sizing.forwarderBatchingWindowSeconds,
    intakeMemoryMb: sizing.intakeMemoryMb,
    forwarderMemoryMb: sizing.forwarderMemoryMb,
  };
};

/** The forwarder's log as a fixed part per invocation plus a part per event, through two measured batch sizes. */
export function forwarderLogFit(
  rows: readonly { batchSize: number; logBytesPerInvocation: number }[],
): { perInvocation: number; perEvent: number } | undefined {
  const [a, b] = [...rows].sort((x, y) => y.batchSize - x.batchSize);
  if (!a || !b || a.batchSize === b.batchSize) return undefined;
  const perEvent = (a.logBytesPerInvocation - b.logBytesPerInvocation) / (a.batchSize - b.batchSize);
  return { perInvocation: Math.max(0, b.logBytesPerInvocation - perEvent * b.batchSize), perEvent };
}
