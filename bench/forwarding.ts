import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { startFakeProcess } from './fake-client.ts';
import { readStackSizing } from './scale.ts';
import type { Way, WorkerResult } from './forward-worker.ts';
import { type Spread, spread } from './stats.ts';
import { queuedEvents } from './workload.ts';
import { QUEUE_SETTINGS } from '../shared/queue/settings.ts';

const BATCH = QUEUE_SETTINGS.batchSize.toLocaleString('en-US');

/** `share`: the part of the events a way delivers (the slowest way gets a tenth, to keep the run short). */
export const WAYS: Array<{ way: Way; label: string; share: number }> = [
  {
    way: 'forwarder',
    label: `This forwarder: SQS batches of ${BATCH} → /batch/, gzip, keep-alive, ${readStackSizing().forwarderMaxConcurrency} invocations at a time`,
    share: 1,
  },
  { way: 'posthog-node', label: 'posthog-node 5, defaults: capture() per event', share: 1 },
  {
    way: 'posthog-node-flush',
    label: `posthog-node 5, batches of ${BATCH} (flushAt = maxBatchSize) + await flush() every ${BATCH} events`,
    share: 1,
  },
  { way: 'per-event-keepalive', label: 'One POST /capture/ per event, 50 in parallel, keep-alive on', share: 1 },
  { way: 'per-event-new-connection', label: 'One POST /capture/ per event, 50 in parallel, new connection each', share: 0.1 },
];

export interface ForwardingRow {
  way: Way;
  label: string;
  /** Events queued for this way (per run). */
  events: number;
  /** Events that reached the fake (unique uuids) per second of wall time. */
  eventsPerSecond: Spread;
  requests: number;
  bytes: number;
  cpuSeconds: Spread;
  /** CPU seconds the receiving fake spent (what the requests cost the PostHog side). */
  serverCpuSeconds: Spread;
  /** Worst run: events missing at the fake, duplicates, and failures the client saw. */
  missing: number;
  duplicates: number;
  clientFailures: number;
}

export interface ForwardingOptions {
  events: number;
  runs: number;
  ways?: Way[];
  dir: string;
  /** The fake's answer delay: a stand-in for the round trip to PostHog. */
  delayMs?: number;
}

/** One run of bench/forward-worker.ts; `lanes` concurrent invocations, `batch` records each (the stack's by default). */
export function runWorker(
  way: Way,
  file: string,
  url: string,
  limit: number,
  options: { lanes?: number; batch?: number; logLevel?: string } = {},
): Promise<WorkerResult> {
  const lanes = options.lanes ?? readStackSizing().forwarderMaxConcurrency;
  const extra = options.batch ? [String(options.batch), options.logLevel ?? 'WARN'] : [];
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./forward-worker.ts', import.meta.url).pathname, [way, file, url, String(limit), String(lanes), ...extra], {
      execArgv: ['--import', 'tsx'],
      // stdout ignored: the forwarder writes its EMF metrics there, as in Lambda.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let result: WorkerResult | undefined;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('message', (message) => {
      result = message as WorkerResult;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`forwarding worker "${way}" exited with code ${code} and no result:\n${stderr}`)),
    );
  });
}

/** Delivers the same queued events to the recording fake every way, `runs` times each (ways interleaved). */
export async function benchForwarding(options: ForwardingOptions, progress: (line: string) => void): Promise<ForwardingRow[]> {
  const events = queuedEvents(options.events);
  mkdirSync(options.dir, { recursive: true });
  const file = `${options.dir}/queued-events.json`;
  writeFileSync(file, JSON.stringify(events));
  const ways = WAYS.filter((w) => !options.ways || options.ways.includes(w.way));
  const fake = await startFakeProcess(options.delayMs ?? 0);
  type Sample = WorkerResult & {
    requests: number;
    bytes: number;
    serverCpu: number;
    missing: number;
    duplicates: number;
    delivered: number;
  };
  const samples = new Map<Way, Sample[]>();
  try {
    for (let run = 1; run <= options.runs; run++) {
      for (const { way, share } of ways) {
        const limit = Math.round(options.events * share);
        const expected = new Set(events.slice(0, limit).map((e) => e.uuid));
        await fake.reset();
        const result = await runWorker(way, file, fake.url, limit);
        const { stats, uuids } = await fake.stats();
        const got = new Set(uuids);
        const missing = [...expected].filter((u) => !got.has(u)).length;
        const unexpected = uuids.filter((u) => !expected.has(u)).length;
        if (unexpected > 0) throw new Error(`forwarding (${way}): the fake received ${unexpected} uuid(s) that were never queued`);
        const sample = {
          ...result,
          requests: stats.requests,
          bytes: stats.bytes,
          serverCpu: stats.cpuSeconds,
          missing,
          duplicates: stats.events - stats.uniqueUuids,
          delivered: stats.uniqueUuids,
        };
        samples.set(way, [...(samples.get(way) ?? []), sample]);
        progress(
          `  forwarding${options.delayMs ? ` (+${options.delayMs} ms)` : ''} run ${run}/${options.runs} ${way}: ${Math.round(stats.uniqueUuids / result.wallSeconds).toLocaleString('en-US')} events/s, ` +
            `${stats.requests} requests, ${missing} missing`,
        );
      }
    }
  } finally {
    await fake.close();
  }
  return ways.map(({ way, label, share }) => {
    const runs = samples.get(way) ?? [];
    return {
      way,
      label,
      events: Math.round(options.events * share),
      eventsPerSecond: spread(runs.map((r) => r.delivered / r.wallSeconds)),
      requests: spread(runs.map((r) => r.requests)).median,
      bytes: spread(runs.map((r) => r.bytes)).median,
      cpuSeconds: spread(runs.map((r) => r.cpuSeconds)),
      serverCpuSeconds: spread(runs.map((r) => r.serverCpu)),
      missing: Math.max(...runs.map((r) => r.missing)),
      duplicates: Math.max(...runs.map((r) => r.duplicates)),
      clientFailures: Math.max(...runs.map((r) => r.clientFailures)),
    };
  });
}
