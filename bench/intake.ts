import type { IntakeWorkerResult } from './intake-worker.ts';
import { forkTs, nextMessage } from './processes.ts';
import { type Spread, spread } from './stats.ts';

export interface IntakeResult {
  requests: number;
  concurrency: number;
  cpuMicrosPerRequest: Spread;
  requestsPerSecond: Spread;
  p50: Spread;
  p99: Spread;
  rejected: number;
  /** Log bytes per accepted connector request at the INFO level (median run). */
  logBytesPerRequest: number;
}

/**
 * The intake Lambda's own cost: its handler in a fresh process per run, queueing to fauxqs in another process.
 * Feeds the scale note with CPU per request that excludes the SQS emulator, the poller and the forwarder.
 */
export async function benchIntake(
  options: { requests: number; concurrency: number; runs: number },
  progress: (line: string) => void,
): Promise<IntakeResult> {
  const sqs = forkTs('./sqs-process.ts', [], { quiet: true });
  const { endpoint, queueUrl } = await nextMessage<{ endpoint: string; queueUrl: string }>(
    sqs,
    'the SQS server process',
    () => true,
    600_000,
  );
  const results: IntakeWorkerResult[] = [];
  try {
    for (let run = 1; run <= options.runs; run++) {
      const worker = forkTs('./intake-worker.ts', [endpoint, queueUrl, String(options.requests), String(options.concurrency)], {
        quiet: true,
      });
      const result = await nextMessage<IntakeWorkerResult>(worker, 'the intake worker', () => true, 600_000);
      results.push(result);
      progress(
        `  intake run ${run}/${options.runs}: ${Math.round(result.cpuMicrosPerRequest)} µs CPU per request, ` +
          `${Math.round(result.requests / result.wallSeconds)} requests/s, p99 ${result.p99.toFixed(1)} ms, ${Math.round(result.logBytesPerRequest)} log bytes`,
      );
    }
  } finally {
    const exited = new Promise((resolve) => sqs.once('exit', resolve));
    sqs.send('close');
    await exited;
  }
  return {
    requests: options.requests,
    concurrency: options.concurrency,
    cpuMicrosPerRequest: spread(results.map((r) => r.cpuMicrosPerRequest)),
    requestsPerSecond: spread(results.map((r) => r.requests / r.wallSeconds)),
    p50: spread(results.map((r) => r.p50)),
    p99: spread(results.map((r) => r.p99)),
    rejected: Math.max(...results.map((r) => r.requests - r.accepted)),
    logBytesPerRequest: spread(results.map((r) => r.logBytesPerRequest)).median,
  };
}
