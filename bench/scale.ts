import { DEFAULTS } from '../infra/config.ts';
import { SIZING } from '../infra/pipeline-functions.ts';

/**
 * A back-of-the-envelope model of the deployed stack at MoEngage's maximum connector rate, fed with the CPU cost
 * measured here. Prices: AWS list prices for us-east-1 (Lambda arm64, API Gateway HTTP API, SQS standard);
 * quotas: AWS defaults. Everything that is an assumption rather than a measurement is named in `assumptions`.
 */
export const PRICES = {
  /** Lambda arm64, per GB-second, by monthly tier (first 7.5 B GB-s, next 11.25 B, beyond). */
  lambdaGbSecond: [
    { upTo: 7.5e9, usd: 0.0000133334 },
    { upTo: 18.75e9, usd: 0.0000120001 },
    { upTo: Number.POSITIVE_INFINITY, usd: 0.0000106667 },
  ],
  lambdaPerMillionRequests: 0.2,
  /** HTTP API, per million requests, by monthly tier (first 300 M, next 700 M, beyond); metered per 512 KB. */
  httpApiPerMillion: [
    { upTo: 300e6, usd: 1.0 },
    { upTo: 1e9, usd: 0.9 },
    { upTo: Number.POSITIVE_INFINITY, usd: 0.8 },
  ],
  /** SQS standard queue, per million requests (each 64 KB chunk of a request counts as one). */
  sqsPerMillion: 0.4,
} as const;

export const QUOTAS = {
  apiGatewayRps: 10_000,
  lambdaAccountConcurrency: 1_000,
  /** One full vCPU at 1,769 MB of Lambda memory; CPU share scales linearly below that. */
  lambdaMbPerVcpu: 1769,
} as const;

export const ASSUMPTIONS = {
  /** Round trip of one SendMessageBatch from Lambda to SQS in the same region. */
  sqsSendMs: 10,
  /**
   * Time PostHog takes to answer the gzip /batch/ request of one forwarder invocation over TLS from the same
   * continent, taken as the same for any batch up to the stack's (1,000 small events: about 1 MB of JSON, a fifth of
   * that gzipped).
   */
  posthogBatchMs: 150,
  /** A Graviton core in Lambda is taken to be as fast as one core of this machine. */
  coreSpeedRatio: 1,
  secondsPerMonth: 30 * 24 * 3600,
} as const;

export interface ScaleInputs {
  requestsPerMinute: number;
  /** Measured: intake CPU per connector request (one event), µs of one full core. */
  intakeCpuMicros: number;
  /** Measured: forwarder CPU per event, µs of one full core. */
  forwarderCpuMicros: number;
  intakeMemoryMb: number;
  forwarderMemoryMb: number;
  forwarderMaxConcurrency: number;
  /** The event source's records per invocation and batching window, as the stack deploys them. */
  forwarderBatchSize: number;
  forwarderBatchingWindowSeconds: number;
}

export interface ScaleEstimate {
  inputs: ScaleInputs;
  requestsPerSecond: number;
  intake: { durationMs: number; concurrency: number; gbSecondsPerMonth: number };
  forwarder: {
    durationMs: number;
    /** Events per invocation at this rate: the batch size, or what one batching window gathers if fewer. */
    eventsPerInvocation: number;
    invocationsPerSecond: number;
    concurrency: number;
    maxEventsPerSecond: number;
    gbSecondsPerMonth: number;
  };
  monthlyUsd: { apiGateway: number; lambda: number; sqs: number; total: number };
  perMillionEventsUsd: number;
  saturation: Array<{ limit: string; capacity: string; load: string; headroom: number }>;
}

export function tiered(quantity: number, tiers: ReadonlyArray<{ upTo: number; usd: number }>, unit: number): number {
  let cost = 0;
  let from = 0;
  for (const tier of tiers) {
    const inTier = Math.max(0, Math.min(quantity, tier.upTo) - from);
    cost += (inTier / unit) * tier.usd;
    from = tier.upTo;
    if (quantity <= tier.upTo) break;
  }
  return cost;
}

/**
 * Events per forwarder invocation at a steady rate: the event source gathers records for at most the batching
 * window and passes at most the batch size per call (BatchSize, MaximumBatchingWindowInSeconds in
 * https://docs.aws.amazon.com/lambda/latest/dg/API_EventSourceMappingConfiguration.html), so a batch holds what one
 * window gathers at that rate (taking them all to land in one batch), never more than the batch size nor less than one.
 */
export function filledBatch(eventsPerSecond: number, batchSize: number, windowSeconds: number | undefined): number {
  if (windowSeconds === undefined) return batchSize;
  return Math.min(batchSize, Math.max(1, eventsPerSecond * windowSeconds));
}

/**
 * The memory sizes, the event source's batch size and window and its maxConcurrency default, from the stack itself
 * (infra/pipeline-functions.ts SIZING, infra/config.ts DEFAULTS), so the model follows infra.
 */
export function readStackSizing() {
  return {
    intakeMemoryMb: SIZING.intake.memoryMb,
    forwarderMemoryMb: SIZING.forwarder.memoryMb,
    forwarderMaxConcurrency: DEFAULTS.maxConcurrency,
    forwarderBatchSize: SIZING.forwarder.batchSize,
    forwarderBatchingWindowSeconds: SIZING.forwarder.batchingWindowSeconds,
  };
}

export function estimateScale(inputs: ScaleInputs): ScaleEstimate {
  const rps = inputs.requestsPerMinute / 60;
  const vcpu = (mb: number) => Math.min(1, mb / QUOTAS.lambdaMbPerVcpu) * ASSUMPTIONS.coreSpeedRatio;
  const month = ASSUMPTIONS.secondsPerMonth;

  const intakeCpuMs = inputs.intakeCpuMicros / 1000 / vcpu(inputs.intakeMemoryMb);
  const intakeMs = intakeCpuMs + ASSUMPTIONS.sqsSendMs;
  const intakeConcurrency = rps * (intakeMs / 1000);
  const intakeGbS = rps * month * (Math.ceil(intakeMs) / 1000) * (inputs.intakeMemoryMb / 1024);

  const batch = filledBatch(rps, inputs.forwarderBatchSize, inputs.forwarderBatchingWindowSeconds);
  const forwarderCpuMs = (inputs.forwarderCpuMicros * batch) / 1000 / vcpu(inputs.forwarderMemoryMb);
  const forwarderMs = forwarderCpuMs + ASSUMPTIONS.posthogBatchMs;
  const invocations = rps / batch;
  const forwarderConcurrency = invocations * (forwarderMs / 1000);
  const forwarderMax = (inputs.forwarderMaxConcurrency * batch) / (forwarderMs / 1000);
  const forwarderGbS = invocations * month * (Math.ceil(forwarderMs) / 1000) * (inputs.forwarderMemoryMb / 1024);

  const requests = rps * month;
  const apiGateway = tiered(requests, PRICES.httpApiPerMillion, 1e6);
  const lambda =
    tiered(intakeGbS + forwarderGbS, PRICES.lambdaGbSecond, 1) + ((requests + invocations * month) / 1e6) * PRICES.lambdaPerMillionRequests;
  // Per event: one SendMessageBatch at intake; the event source's ReceiveMessage and DeleteMessageBatch carry 10 each.
  const sqs = ((requests * (1 + 0.1 + 0.1)) / 1e6) * PRICES.sqsPerMillion;
  const total = apiGateway + lambda + sqs;

  return {
    inputs,
    requestsPerSecond: rps,
    intake: { durationMs: intakeMs, concurrency: intakeConcurrency, gbSecondsPerMonth: intakeGbS },
    forwarder: {
      durationMs: forwarderMs,
      eventsPerInvocation: batch,
      invocationsPerSecond: invocations,
      concurrency: forwarderConcurrency,
      maxEventsPerSecond: forwarderMax,
      gbSecondsPerMonth: forwarderGbS,
    },
    monthlyUsd: { apiGateway, lambda, sqs, total },
    perMillionEventsUsd: (total / requests) * 1e6,
    saturation: [
      {
        limit: `Forwarder event source maxConcurrency (${inputs.forwarderMaxConcurrency})`,
        capacity: `${Math.round(forwarderMax).toLocaleString('en-US')} events/s`,
        load: `${Math.round(rps).toLocaleString('en-US')} events/s`,
        headroom: forwarderMax / rps,
      },
      {
        limit: 'API Gateway account throttle (default)',
        capacity: `${QUOTAS.apiGatewayRps.toLocaleString('en-US')} req/s`,
        load: `${Math.round(rps).toLocaleString('en-US')} req/s`,
        headroom: QUOTAS.apiGatewayRps / rps,
      },
      {
        limit: 'Lambda account concurrency (default, both functions)',
        capacity: `${QUOTAS.lambdaAccountConcurrency.toLocaleString('en-US')}`,
        load: `${Math.ceil(intakeConcurrency + forwarderConcurrency)}`,
        headroom: QUOTAS.lambdaAccountConcurrency / (intakeConcurrency + forwarderConcurrency),
      },
    ],
  };
}
