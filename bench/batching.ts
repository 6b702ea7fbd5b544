import { mkdirSync, writeFileSync } from 'node:fs';
import { startFakeProcess } from './fake-client.ts';
import { runWorker } from './forwarding.ts';
import { type Spread, spread } from './stats.ts';
import { queuedEvents } from './workload.ts';

export interface BatchingOptions {
  /** Records per invocation to compare (the event source's BatchSize). */
  sizes: number[];
  events: number;
  runs: number;
  dir: string;
  /** The fake's answer delay: a stand-in for the round trip to PostHog. */
  delayMs: number;
}

export interface BatchingRow {
  batchSize: number;
  events: number;
  invocations: number;
  /** Requests the fake PostHog received (the forwarder's /batch/ POSTs). */
  requests: number;
  /** Forwarder CPU per event, µs (one invocation at a time, so this is what each invocation's CPU spends). */
  cpuMicrosPerEvent: Spread;
  /** Wall time per invocation, ms: what Lambda bills, with the fake's answer delay in it. */
  msPerInvocation: Spread;
  /** Bytes written to stdout (the function's log at INFO: EMF metrics and log lines) per invocation. */
  logBytesPerInvocation: number;
  missing: number;
}

/**
 * The forwarder handler over the same queued events with different batch sizes, one invocation at a time, at the
 * deployed INFO log level, against the recording fake answering after `delayMs`. What a larger batch buys is
 * fewer invocations and PostHog requests per event and less fixed cost per invocation; what it costs is in
 * docs/architecture.md ("Delivery semantics").
 */
export async function benchBatching(options: BatchingOptions, progress: (line: string) => void): Promise<BatchingRow[]> {
  const events = queuedEvents(options.events);
  mkdirSync(options.dir, { recursive: true });
  const file = `${options.dir}/batching-events.json`;
  writeFileSync(file, JSON.stringify(events));
  const fake = await startFakeProcess(options.delayMs);
  const rows: BatchingRow[] = [];
  try {
    for (const batchSize of options.sizes) {
      const samples = [];
      for (let run = 1; run <= options.runs; run++) {
        await fake.reset();
        const result = await runWorker('forwarder', file, fake.url, options.events, { lanes: 1, batch: batchSize, logLevel: 'INFO' });
        const { stats, uuids } = await fake.stats();
        const got = new Set(uuids);
        samples.push({ result, requests: stats.requests, missing: events.filter((e) => !got.has(e.uuid)).length });
        progress(
          `  batch size ${batchSize} run ${run}/${options.runs}: ${result.invocations} invocations, ${stats.requests} requests, ` +
            `${((result.cpuSeconds / result.events) * 1e6).toFixed(1)} µs CPU per event, ${Math.round(result.logBytes / result.invocations)} log bytes per invocation`,
        );
      }
      const first = samples[0];
      if (!first) continue;
      rows.push({
        batchSize,
        events: options.events,
        invocations: first.result.invocations,
        requests: spread(samples.map((s) => s.requests)).median,
        cpuMicrosPerEvent: spread(samples.map((s) => (s.result.cpuSeconds / s.result.events) * 1e6)),
        msPerInvocation: spread(samples.map((s) => (s.result.wallSeconds * 1000) / s.result.invocations)),
        logBytesPerInvocation: spread(samples.map((s) => s.result.logBytes / s.result.invocations)).median,
        missing: Math.max(...samples.map((s) => s.missing)),
      });
    }
  } finally {
    await fake.close();
  }
  return rows;
}
