import { type ChildProcess, fork } from 'node:child_process';
import type { IntakeWorkerResult } from './intake-worker.ts';
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

function forkTs(file: string, args: string[]): ChildProcess {
  return fork(new URL(file, import.meta.url).pathname, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
}

function firstMessage<T>(child: ChildProcess, what: string): Promise<T> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`${what} exited (code ${code}) without a result:\n${stderr}`)));
  });
}

/**
 * The intake Lambda's own cost: its handler in a fresh process per run, queueing to fauxqs in another process.
 * Feeds the scale note with CPU per request that excludes the SQS emulator, the poller and the forwarder.
 */
export async function benchIntake(
  options: { requests: number; concurrency: number; runs: number },
  progress: (line: string) => void,
): Promise<IntakeResult> {
  const sqs = forkTs('./sqs-process.ts', []);
  const { endpoint, queueUrl } = await firstMessage<{ endpoint: string; queueUrl: string }>(sqs, 'the SQS server process');
  const results: IntakeWorkerResult[] = [];
  try {
    for (let run = 1; run <= options.runs; run++) {
      const worker = forkTs('./intake-worker.ts', [endpoint, queueUrl, String(options.requests), String(options.concurrency)]);
      const result = await firstMessage<IntakeWorkerResult>(worker, 'the intake worker');
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
