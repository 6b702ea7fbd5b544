import type { BatchingRow } from './batching.ts';
import { forwarderLogFit } from './cost.ts';
import { QUEUE_SETTINGS } from '../shared/queue/settings.ts';
import { fmt, fmtSpread } from './stats.ts';

/** The "Forwarder batch size" section of docs/benchmarks.md (bench/batching.ts). */
export function batchingSection(rows: readonly BatchingRow[] | undefined, delayMs: number): string[] {
  if (!rows || rows.length === 0) return [];
  const per1000 = (n: number, events: number) => fmt((n / events) * 1000, 1);
  return [
    '## Forwarder batch size',
    '',
    `The real forwarder handler over the same ${fmt(rows[0]?.events ?? 0)} queued events with the event source's batch size set to`,
    `${rows.map((r) => fmt(r.batchSize)).join(', ')} records, one invocation at a time, at the deployed INFO log level, against the fake`,
    `PostHog answering after ${delayMs} ms (bench/batching.ts). The stack uses ${fmt(QUEUE_SETTINGS.batchSize)} records and a ${QUEUE_SETTINGS.batchingWindowSeconds} s`,
    'batching window; docs/architecture.md ("Delivery semantics") gives the reasoning.',
    '',
    '| Batch size | Invocations per 1,000 events | PostHog requests per 1,000 events | CPU µs per event | ms per invocation | Log bytes per invocation | Lost |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${fmt(r.batchSize)} | ${per1000(r.invocations, r.events)} | ${per1000(r.requests, r.events)} | ${fmtSpread(r.cpuMicrosPerEvent, 1)} | ` +
        `${fmtSpread(r.msPerInvocation, 1)} | ${fmt(r.logBytesPerInvocation)} | ${fmt(r.missing)} |`,
    ),
    '',
    '"Log bytes per invocation" is what the forwarder writes to its log at INFO: one EMF document per invocation,',
    'which carries each event\'s delivery latency, and the "events delivered" line naming every delivered event (its',
    `uuid, insert_id, distinct_id hash, received time; docs/operations.md, "Trace one event").${logFitText(rows)} A Lambda invocation`,
    'receives at most 6 MB of records and PostHog accepts 20 MB per /batch/ request; the forwarder sends at most 5 MB',
    'per request.',
    '',
  ];
}

/** The straight line through the two largest measured sizes up to the stack's: what the cost table prices. */
function logFitText(rows: readonly BatchingRow[]): string {
  const fit = forwarderLogFit(rows.filter((r) => r.batchSize <= QUEUE_SETTINGS.batchSize));
  return fit
    ? ` That is ${fmt(fit.perInvocation)} bytes per invocation + ${fmt(fit.perEvent)} per event, the figures the cost table below prices.`
    : '';
}
