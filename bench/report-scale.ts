import type { BenchResults } from './results.ts';
import type { ScaleEstimate } from './scale.ts';
import { ASSUMPTIONS, PRICES, QUOTAS } from './scale.ts';
import { fmt } from './stats.ts';

/** §5: the scale model at MoEngage's maximum connector rate, from the measured CPU figures. */
export function scaleSection(r: BenchResults): string[] {
  const sc = r.scale;
  const i = sc.inputs;
  return [
    '## 5. Scale note: MoEngage at its maximum connector rate',
    '',
    `MoEngage's connector sends at most ${fmt(i.requestsPerMinute)} requests/min = ${fmt(sc.requestsPerSecond)} requests/s, one event each.`,
    'Model (bench/scale.ts), from the CPU cost measured above:',
    '',
    '| Input | Value | Source |',
    '|---|---:|---|',
    `| Intake CPU per request | ${fmt(i.intakeCpuMicros)} µs | §3, intake handler alone (mapping alone: ${fmt(r.mapping[0]?.microsPerEvent ?? 0, 1)} µs, §1) |`,
    `| Forwarder CPU per event | ${fmt(i.forwarderCpuMicros, 1)} µs | §2, this forwarder, client CPU ÷ events |`,
    `| Memory (intake / forwarder) | ${i.intakeMemoryMb} / ${i.forwarderMemoryMb} MB | infra/pipeline-functions.ts (SIZING); CPU share = MB ÷ ${QUOTAS.lambdaMbPerVcpu} |`,
    `| SQS SendMessageBatch round trip | ${ASSUMPTIONS.sqsSendMs} ms | assumption (same region) |`,
    `| Forwarder event source batch size / batching window | ${fmt(i.forwarderBatchSize)} records / ${i.forwarderBatchingWindowSeconds} s | infra/pipeline-functions.ts (SIZING) |`,
    `| PostHog /batch/ answer per invocation (one request of up to ${fmt(i.forwarderBatchSize)} events) | ${ASSUMPTIONS.posthogBatchMs} ms | assumption |`,
    `| Forwarder event source maxConcurrency | ${i.forwarderMaxConcurrency} | infra/config.ts default |`,
    '',
    '| Estimate | Intake | Forwarder |',
    '|---|---:|---:|',
    `| Billed duration per invocation | ${fmt(sc.intake.durationMs, 1)} ms (1 event) | ${fmt(sc.forwarder.durationMs, 1)} ms (${fmt(sc.forwarder.eventsPerInvocation)} events) |`,
    `| Invocations/s | ${fmt(sc.requestsPerSecond)} | ${fmt(sc.forwarder.invocationsPerSecond, 1)} |`,
    `| Concurrency needed (rate × duration) | ${fmt(sc.intake.concurrency, 1)} | ${fmt(sc.forwarder.concurrency, 1)} |`,
    `| GB-seconds per month (30 days at this rate) | ${fmt(sc.intake.gbSecondsPerMonth)} | ${fmt(sc.forwarder.gbSecondsPerMonth)} |`,
    '',
    `Monthly cost if the maximum rate were sustained for 30 days (${fmt((sc.requestsPerSecond * ASSUMPTIONS.secondsPerMonth) / 1e9, 2)} billion events), us-east-1 list prices:`,
    `API Gateway HTTP API $${fmt(sc.monthlyUsd.apiGateway)} + Lambda arm64 $${fmt(sc.monthlyUsd.lambda)} + SQS $${fmt(sc.monthlyUsd.sqs)}`,
    `= **$${fmt(sc.monthlyUsd.total)}**, i.e. $${fmt(sc.perMillionEventsUsd, 2)} per million events (API Gateway $${PRICES.httpApiPerMillion[0].usd}/M requests`,
    `falling to $${PRICES.httpApiPerMillion[2].usd}/M, Lambda $${PRICES.lambdaGbSecond[0].usd}/GB-s + $${PRICES.lambdaPerMillionRequests}/M requests, SQS $${PRICES.sqsPerMillion}/M requests: one send per event, receive and delete in tens).`,
    'Real campaigns come in bursts, so a month costs a fraction of this; the per-million figure is the useful one.',
    '',
    '| Limit | Capacity | Load at the maximum rate | Headroom |',
    '|---|---:|---:|---:|',
    ...sc.saturation.map((l) => `| ${l.limit} | ${l.capacity} | ${l.load} | ${fmt(l.headroom, 1)}× |`),
    '',
    ...saturationText(sc),
    '',
  ];
}

function saturationText(sc: ScaleEstimate): string[] {
  const first = [...sc.saturation].sort((a, b) => a.headroom - b.headroom)[0];
  return [
    `Where it saturates first: **${first?.limit ?? 'n/a'}** (headroom ${fmt(first?.headroom ?? 0, 1)}×). The forwarder's event source`,
    'is capped at a few concurrent invocations so PostHog sees a bounded request rate; when that is too few, events wait',
    'in SQS (retention 14 days) instead of being lost, and raising `maxConcurrency` (stack prop) lifts the limit. Next',
    "come API Gateway's account-wide default of 10,000 requests/s (shared with every other API in the account and",
    "region, raisable) and Lambda's default 1,000 concurrent executions per region (raisable); SQS standard queues",
    'have no practical throughput limit. PostHog ingestion is the remaining unknown: PostHog publishes no fixed capture',
    `rate limit for /batch/ (up to 20 MB per request), and ${fmt(sc.forwarder.eventsPerInvocation)}-event gzip batches are the form it ingests most cheaply;`,
    `sending one request per event instead would multiply the requests PostHog must accept by ${fmt(sc.forwarder.eventsPerInvocation)}.`,
  ];
}
