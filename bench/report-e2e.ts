import { type BenchResults, ms, type Targets, yes } from './results.ts';
import { fmt, fmtSpread } from './stats.ts';

/** §3: autocannon through the local runner to the fake PostHog, and the intake handler alone. */
export function endToEndSection(r: BenchResults, t: Targets): string[] {
  const e = r.endToEnd;
  const m = r.machine;
  return [
    '## 3. End to end: autocannon → local runner → fake PostHog',
    '',
    `autocannon (in the benchmark process) posts the README's sample connector request to \`/v1/connector\` of the`,
    'local runner (`startLocalStack`: HTTP adapter → intake handler → fauxqs → poller → forwarder handler), which runs',
    'in a process of its own; the fake PostHog runs in a third process. Load generator and server are separate so',
    `they do not share one event loop; on ${m.cores} cores they still compete for CPU, as does the forwarder with the intake`,
    `inside the runner. After an uncounted warm-up run, ${e.runs} runs of ${e.seconds} s with ${e.connections} connections sending as fast as they are`,
    `answered (closed loop: this measures capacity, and latency at saturation), then ${e.paced.runs} runs of an open-loop load at a steady`,
    `${fmt(e.paced.rate)} requests/s (one request every ${fmt(1000 / e.paced.rate, 1)} ms, bench/e2e.ts; latency below capacity),`,
    'back to back against the same server. Afterwards the uuids the intake answered with',
    '(status 200, all runs) are compared with the uuids the fake received,',
    `waiting at most ${fmt(r.config.drainTimeoutMs as number)} ms for the queue to drain.`,
    '',
    '| Load | Requests/s | Latency p50 (ms) | Latency p99 (ms) |',
    '|---|---:|---:|---:|',
    `| ${e.connections} connections, as fast as answered (${e.runs} × ${e.seconds} s) | ${fmtSpread(e.requestsPerSecond)} | ${ms(e.p50)} | ${ms(e.p99)} |`,
    `| Paced at ${fmt(e.paced.rate)} requests/s (${e.paced.runs} × ${e.paced.seconds} s) | ${fmtSpread(e.paced.requestsPerSecond)} | ${ms(e.paced.p50)} | ${ms(e.paced.p99)} |`,
    ...(e.health
      ? [
          `| \`GET /v1/health\`, ${e.connections} connections (${e.runs} × ${e.seconds} s, before the connector runs) | ${fmtSpread(e.health.requestsPerSecond)} | | ${ms(e.health.p99)} |`,
        ]
      : []),
    '',
    '| Requests answered (all runs) | Non-2xx | Errors/timeouts | Accepted (200) | Received at fake | Lost | Received, answer unread | Sent, answer unread | Duplicates | Drain after load (s) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${fmt(e.requests)} | ${fmt(e.non2xx)} | ${fmt(e.errors)} | ${fmt(e.accepted)} | ${fmt(e.received)} | ${fmt(e.missing)} | ${fmt(e.unexpected)} | ${e.unanswered === undefined ? 'n/a' : fmt(e.unanswered)} | ${fmt(e.duplicates)} | ${fmt(e.drainSeconds, 1)} |`,
    '',
    '"Answer unread": when a run ends autocannon stops reading answers to the requests it has sent; the service',
    'queued and delivered those events (they reached the fake) but their 200 was never read, so they are not counted',
    'as accepted; the received surplus stays within the number sent but unread.',
    `Every accepted event reached the fake: ${yes(e.missing === 0)}. p99 < 50 ms at saturation: ${yes(t.p99)};`,
    `paced at ${fmt(e.paced.rate)} requests/s: ${yes(e.paced.p99.median < 50)}.`,
    ...(e.health
      ? [
          `p99 at ${e.connections} connections within 60 ms of the runner's own \`/v1/health\` p99 at the same load (medians ${fmt(e.p99.median, 1)} ms against ${fmt(e.health.p99.median, 1)} ms): ${yes(t.p99VsHealth)}.`,
        ]
      : []),
    `The runner process used ${fmt(e.serverCpuMicrosPerEvent)} µs of CPU per request (adapter, intake, AWS SDK,`,
    `fauxqs, poller and forwarder together), so on this machine one core caps it near ${fmt(e.requestsPerSecond.median)} requests/s and the`,
    'latency at saturation is mostly queueing behind that CPU; in AWS each intake instance handles one request at a time.',
    '',
    '**The intake handler alone** (bench/intake.ts): `functions/intake/handler.ts` called directly with API Gateway v2',
    `events, ${r.intake.concurrency} at a time, queueing through the real AWS SDK client to fauxqs in another process; ${fmt(r.intake.requests)} requests per`,
    'run in a fresh process after a warm-up. Its CPU per request is what the intake Lambda pays (used in §5).',
    '',
    '| CPU per request (µs) | Requests/s (one process) | Handler latency p50 (ms) | p99 (ms) | Rejected |',
    '|---:|---:|---:|---:|---:|',
    `| ${fmtSpread(r.intake.cpuMicrosPerRequest)} | ${fmtSpread(r.intake.requestsPerSecond)} | ${ms(r.intake.p50)} | ${ms(r.intake.p99)} | ${fmt(r.intake.rejected)} |`,
    '',
    `Mapping is ${fmt(r.mapping[0]?.microsPerEvent ?? 0, 1)} µs of that (§1); a CPU profile of this worker puts most of the rest in the AWS SDK`,
    '(@smithy/core, @aws-sdk/core, SigV4 signing) and node:http writing the SendMessageBatch request.',
    '',
  ];
}
