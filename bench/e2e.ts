import autocannon from 'autocannon';
import { startRunnerProcess } from './e2e-runner-process.ts';
import { startFakeProcess } from './fake-client.ts';
import { type PacedRun, pacedLoad } from './paced-load.ts';
import { type Spread, spread } from './stats.ts';
import { benchUuid, smallConnectorBody } from './workload.ts';

export interface EndToEndOptions {
  runs: number;
  /** Seconds of load per run. */
  seconds: number;
  connections: number;
  /** Bound on the wait for the queue to drain after the load. */
  drainTimeoutMs: number;
  /** An uncounted first run (JIT, connection pools, queue creation); its events are still checked for loss. */
  warmupSeconds: number;
  /** Runs at a fixed request rate below capacity, for latency when the runner is not saturated. */
  paced: { rate: number; runs: number; seconds: number };
}

export interface EndToEndResult {
  connections: number;
  seconds: number;
  runs: number;
  requestsPerSecond: Spread;
  p50: Spread;
  p99: Spread;
  /** GET /v1/health at the same load (connections, run length), before the connector runs; absent in older results. */
  health?: { requestsPerSecond: Spread; p99: Spread };
  maxLatency: number;
  paced: { rate: number; runs: number; seconds: number; requestsPerSecond: Spread; p50: Spread; p99: Spread };
  requests: number;
  non2xx: number;
  errors: number;
  accepted: number;
  received: number;
  missing: number;
  /** Received at the fake but not counted as accepted: their answers were never read (see `unanswered`). */
  unexpected: number;
  /** Requests autocannon sent whose answers it did not read before it stopped (sent − completed, all runs). */
  unanswered: number;
  duplicates: number;
  drainSeconds: number;
  /** CPU of the local stack's process (adapter, intake, fauxqs, poller, forwarder) per request after the warm-up, µs. */
  serverCpuMicrosPerEvent: number;
}

/**
 * autocannon (this process) → the local runner (its own process) → the recording fake (a third process). Each
 * run is `seconds` of load; the uuids the intake reports as queued are checked against what the fake received.
 */
export async function benchEndToEnd(options: EndToEndOptions, progress: (line: string) => void): Promise<EndToEndResult> {
  const fake = await startFakeProcess();
  const runner = startRunnerProcess(fake.url);
  const cpu = runner.cpu;

  try {
    const { url, token } = await runner.ready();
    const accepted = new Set<string>();
    const accept = (text: string) => {
      const reply = JSON.parse(text) as { events?: Array<{ uuid: string }> };
      for (const event of reply.events ?? []) accepted.add(event.uuid);
    };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const results: autocannon.Result[] = [];
    // Every request a distinct event: the intake derives a uuid from the body alone, so identical bodies would be one
    // event to PostHog and the loss check would compare one uuid. The README's sample with its own `uuid` added.
    let sent = 0;
    const body = () => {
      const event = JSON.parse(smallConnectorBody(sent)) as Record<string, unknown>;
      return JSON.stringify({ ...event, uuid: benchUuid('e2e', sent++) });
    };
    const load = (seconds: number) =>
      autocannon({
        url: `${url}/v1/connector`,
        connections: options.connections,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            headers,
            setupRequest: (request) => ({ ...request, body: body() }),
            onResponse: (status, text) => {
              if (status === 200) accept(text);
            },
          },
        ],
      });
    // The runner's floor at this load: its health route answers without the intake's work (no body, no queue).
    const health = (seconds: number) => autocannon({ url: `${url}/v1/health`, connections: options.connections, duration: seconds });
    const healthRuns: autocannon.Result[] = [];
    // Waits until every accepted uuid has arrived (a count is not enough: requests cut off at the end of an
    // autocannon run are delivered too without being counted as accepted), or the deadline passes.
    const delivered = async (deadline: number) => {
      const notYetReceived = (uuids: string[]) => {
        const got = new Set(uuids);
        return [...accepted].some((u) => !got.has(u));
      };
      let stats = await fake.stats();
      while (notYetReceived(stats.uuids) && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        stats = await fake.stats();
      }
      return stats;
    };
    const warmup = await load(options.warmupSeconds);
    progress(`  end to end warm-up: ${Math.round(warmup.requests.average).toLocaleString('en-US')} req/s (not counted)`);
    // Health first, once the warm-up's events are delivered, so the forwarder's backlog does not weigh on it.
    await delivered(performance.now() + options.drainTimeoutMs);
    const cpuStart = await cpu();
    for (let run = 1; run <= options.runs; run++) {
      const floor = await health(options.seconds);
      healthRuns.push(floor);
      progress(
        `  health run ${run}/${options.runs}: ${Math.round(floor.requests.average).toLocaleString('en-US')} req/s, p99 ${floor.latency.p99} ms`,
      );
    }
    const healthCpuSeconds = (await cpu()) - cpuStart;
    for (let run = 1; run <= options.runs; run++) {
      const result = await load(options.seconds);
      results.push(result);
      progress(
        `  end to end run ${run}/${options.runs}: ${Math.round(result.requests.average).toLocaleString('en-US')} req/s, ` +
          `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx, ${result.errors} errors`,
      );
    }
    const paced: PacedRun[] = [];
    for (let run = 1; run <= options.paced.runs; run++) {
      const result = await pacedLoad(url, headers, body, options.paced.rate, options.paced.seconds, accept);
      paced.push(result);
      progress(
        `  end to end paced run ${run}/${options.paced.runs} at ${options.paced.rate} req/s: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`,
      );
    }
    const loadEnded = performance.now();
    const received = await delivered(loadEnded + options.drainTimeoutMs);
    const drainSeconds = (performance.now() - loadEnded) / 1000;
    // CPU from the end of the warm-up until everything is delivered, per request sent in that time.
    const cpuSeconds = (await cpu()) - cpuStart - healthCpuSeconds;
    const counted = results.reduce((n, r) => n + r.requests.total, 0) + paced.reduce((n, r) => n + r.total, 0);
    const got = new Set(received.uuids);
    const missing = [...accepted].filter((u) => !got.has(u)).length;
    const unexpected = [...got].filter((u) => !accepted.has(u)).length;
    progress(
      `  end to end: ${accepted.size} accepted, ${got.size} received at the fake after ${drainSeconds.toFixed(1)} s, ${missing} missing`,
    );
    return {
      connections: options.connections,
      seconds: options.seconds,
      runs: options.runs,
      requestsPerSecond: spread(results.map((r) => r.requests.average)),
      p50: spread(results.map((r) => r.latency.p50)),
      p99: spread(results.map((r) => r.latency.p99)),
      health: { requestsPerSecond: spread(healthRuns.map((r) => r.requests.average)), p99: spread(healthRuns.map((r) => r.latency.p99)) },
      maxLatency: Math.max(...results.map((r) => r.latency.max)),
      paced: {
        ...options.paced,
        requestsPerSecond: spread(paced.map((r) => r.requestsPerSecond)),
        p50: spread(paced.map((r) => r.p50)),
        p99: spread(paced.map((r) => r.p99)),
      },
      requests: counted + warmup.requests.total,
      non2xx: [warmup, ...results].reduce((n, r) => n + r.non2xx, 0) + paced.reduce((n, r) => n + r.non2xx, 0),
      errors: [warmup, ...results].reduce((n, r) => n + r.errors + r.timeouts, 0) + paced.reduce((n, r) => n + r.errors, 0),
      accepted: accepted.size,
      received: got.size,
      missing,
      unexpected,
      unanswered: [warmup, ...results].reduce((n, r) => n + (r.requests.sent - r.requests.total), 0),
      duplicates: received.stats.events - received.stats.uniqueUuids,
      drainSeconds,
      serverCpuMicrosPerEvent: counted > 0 ? (cpuSeconds / counted) * 1e6 : 0,
    };
  } finally {
    await runner.close();
    await fake.close();
  }
}
