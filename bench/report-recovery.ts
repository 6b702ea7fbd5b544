import type { RecoveryResult } from './recovery.ts';
import { fmt, fmtSpread } from './stats.ts';

/** The section's heading (docs/benchmarks.md §6); `npm run bench:recovery` replaces the section it starts. */
export const RECOVERY_HEADING = '## 6. Recovery: draining a backlog after a PostHog outage';

/** How the figures were taken: the command, when, and the machine's load (1-minute average) around the run. */
export interface RecoveryMeta {
  command: string;
  startedAt: string;
  loadBefore: number;
  loadAfter: number;
}

/** §6: events/s while the forwarder as deployed drains a backlog that waited out an outage. */
export function recoverySection(r: RecoveryResult, meta: RecoveryMeta): string[] {
  return [
    RECOVERY_HEADING,
    '',
    `${fmt(r.events)} events are queued with the intake's own queue code while the fake PostHog answers 503 to every`,
    `request. The forwarder as deployed (the real \`functions/forwarder/handler.ts\` behind ${r.pollers} copies of the local event`,
    "source, the event source's maxConcurrency, and the outage prober of `npm start`) takes its first batches, fails them,",
    'and the circuit breaker pauses delivery; the prober turns the event source off. PostHog stays down',
    `${fmt(r.outageSeconds)} s more while the prober probes once per \`OUTAGE_PROBE_SECONDS\` (${fmt(r.probeSeconds)} s: compressed time, 60 s`,
    'in AWS), then answers 200 again. fauxqs, the fake PostHog and the forwarder each run in a process of their own on',
    "127.0.0.1 (no network round trip: the Lambda drain rate in AWS also depends on PostHog's answer time, see §5 and",
    `docs/operations.md, "Outages"). Measured ${meta.startedAt} by \`${meta.command}\` (bench/recovery.ts), load average`,
    `${fmt(meta.loadBefore, 2)} before and ${fmt(meta.loadAfter, 2)} after.`,
    '',
    '- **Events/s while draining**: the backlog ÷ the time from the probe that resumed delivery to the last new event at',
    '  the fake (the fake stamps it).',
    '- **Resumed** / **drained after recovery**: seconds from PostHog answering again to that probe, and to the last event.',
    '  Records the forwarder handed back while paused stay hidden until one probe interval after the next probe, so',
    '  the resume comes within 2 × `OUTAGE_PROBE_SECONDS`.',
    "- **Requests while down**: capture requests PostHog refused during the outage: the breaker's opening requests",
    `  (at most ${r.pollers} invocations × 3 attempts) plus one probe per interval.`,
    '',
    '| Backlog | Events/s while draining | Resumed after recovery (s) | Drained after recovery (s) | Requests while down | Resumes while down | Lost | Dead-lettered | Left in queue |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${fmt(r.events)} | ${fmtSpread(r.eventsPerSecond)} | ${fmtSpread(r.resumeSeconds, 1)} | ${fmtSpread(r.recoverySeconds, 1)} | ${fmt(r.requestsWhileDown)} | ${fmt(r.resumesWhileDown)} | ${fmt(r.missing)} | ${fmt(r.deadLettered)} | ${fmt(r.leftInQueue)} |`,
    '',
    `Runs: ${r.eventsPerSecond.runs}; the columns from "Requests while down" on are the worst run. Duplicates at the fake (worst run): ${fmt(r.duplicates)}.`,
    '',
  ];
}
