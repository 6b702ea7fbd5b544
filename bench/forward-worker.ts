import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { SQSEvent } from 'aws-lambda';
import type { PostHogEvent } from '#shared/posthog/event';
import { QUEUE_SETTINGS } from '#shared/queue/settings';
import { lambdaContext } from '../local/lambda-context.ts';
import { benchRecord } from './sqs-records.ts';
import { cpuSecondsSince } from './stats.ts';
import { BENCH_API_KEY } from './workload.ts';
import { countStdoutBytes } from './stdout-bytes.ts';

/**
 * One forwarding run in a fresh process (forked by bench/forwarding.ts): delivers the queued events in the
 * file to the fake PostHog one of the ways below, and reports wall time and this process's CPU time over the
 * delivery only (setup such as building SQS records is excluded). Result goes back over IPC.
 */
export type Way = 'forwarder' | 'posthog-node' | 'posthog-node-flush' | 'per-event-keepalive' | 'per-event-new-connection';

export interface WorkerResult {
  way: Way;
  events: number;
  wallSeconds: number;
  cpuSeconds: number;
  /** Events the client itself knows it failed to deliver (non-2xx, errors, batchItemFailures). */
  clientFailures: number;
  /** The forwarder way: handler invocations, and the bytes it wrote to stdout (its log: EMF and log lines). */
  invocations: number;
  logBytes: number;
}

/** Concurrent requests of the one-request-per-event client (MoEngage sends connector requests in parallel). */
export const PER_EVENT_CONCURRENCY = 50;

const [way, file, url, limit, invocations, batchArg, logLevel] = process.argv.slice(2) as [
  Way,
  string,
  string,
  string,
  string,
  string?,
  string?,
];
const events = (JSON.parse(readFileSync(file, 'utf8')) as PostHogEvent[]).slice(0, Number(limit));
/** Records per invocation: the event source's batch size unless the batching bench (bench/batching.ts) sets one. */
const batchSize = batchArg ? Number(batchArg) : QUEUE_SETTINGS.batchSize;
let handlerCalls = 0;
const logBytes = countStdoutBytes();

async function viaForwarder(): Promise<() => Promise<number>> {
  Object.assign(process.env, {
    POSTHOG_HOST: url,
    POSTHOG_API_KEY: BENCH_API_KEY,
    QUEUE_URL: 'http://127.0.0.1:9/000000000000/bench-events',
    DLQ_URL: 'http://127.0.0.1:9/000000000000/bench-dlq',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    POWERTOOLS_SERVICE_NAME: 'forwarder',
    POWERTOOLS_METRICS_NAMESPACE: 'bench',
    POWERTOOLS_LOG_LEVEL: logLevel ?? 'WARN',
  });
  const { handler } = await import('../functions/forwarder/handler.ts');
  // The SQS event source mapping's batches, built before the clock starts.
  const batches: SQSEvent[] = [];
  for (let i = 0; i < events.length; i += batchSize) {
    const records = events.slice(i, i + batchSize).map((event, j) => benchRecord(event, url, i + j));
    batches.push({ Records: records });
  }
  return async () => {
    let failures = 0;
    let next = 0;
    // `invocations` concurrent invocations (the event source's maxConcurrency), each taking the next batch when done.
    // They share this process's CPU and its keep-alive pool, where Lambda would give each its own container.
    const lane = async () => {
      while (next < batches.length) {
        const batch = batches[next++] as SQSEvent;
        handlerCalls += 1;
        const response = await handler(batch, lambdaContext('forwarder', QUEUE_SETTINGS.forwarderTimeoutSeconds * 1000));
        failures += response.batchItemFailures.length;
      }
    };
    await Promise.all(Array.from({ length: Number(invocations) }, lane));
    return failures;
  };
}

/**
 * posthog-node as a relay. `flushEvery` undefined: its defaults (flushAt 20, maxBatchSize 100, maxQueueSize 10,000,
 * flushInterval 5 s: @posthog/core posthog-core-stateless.js and posthog-node client.js, 5.70). With `flushEvery`:
 * batches of that size, the forwarder's own (flushAt = maxBatchSize = maxQueueSize = flushEvery, so one request per
 * batch, never a dropped event), and the relay awaits flush() after each batch it consumed, as it must before
 * acknowledging a queue batch.
 */
async function viaPostHogNode(flushEvery: number | undefined): Promise<() => Promise<number>> {
  const { PostHog } = await import('posthog-node');
  const batching = flushEvery === undefined ? {} : { flushAt: flushEvery, maxBatchSize: flushEvery, maxQueueSize: flushEvery };
  const client = new PostHog(BENCH_API_KEY, { host: url, ...batching });
  let failures = 0;
  client.on('error', () => {
    failures += 1;
  });
  return async () => {
    // A long-running relay: capture() per incoming event; yielding to the event loop between events lets background
    // flushes run. Without `flushEvery`, posthog-node drops the oldest events once maxQueueSize are waiting.
    let n = 0;
    for (const e of events) {
      client.capture({
        distinctId: e.distinct_id,
        event: e.event,
        properties: e.properties,
        timestamp: new Date(e.timestamp),
        uuid: e.uuid,
      });
      n += 1;
      if (flushEvery !== undefined && n % flushEvery === 0) await client.flush();
      else await new Promise((resolve) => setImmediate(resolve));
    }
    await client.shutdown();
    return failures;
  };
}

function viaOnePostPerEvent(keepAlive: boolean): () => Promise<number> {
  const agent = keepAlive ? new Agent({ keepAlive: true, maxSockets: PER_EVENT_CONCURRENCY }) : undefined;
  const target = new URL('/capture/', url);
  const post = (event: PostHogEvent): Promise<boolean> =>
    new Promise((resolve) => {
      const body = JSON.stringify({ api_key: BENCH_API_KEY, ...event });
      const req = request(
        target,
        {
          method: 'POST',
          agent: agent ?? false,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(keepAlive ? {} : { connection: 'close' }),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300));
        },
      );
      req.on('error', () => resolve(false));
      req.end(body);
    });
  return async () => {
    let next = 0;
    let failures = 0;
    const lane = async () => {
      while (next < events.length) {
        const event = events[next++] as PostHogEvent;
        if (!(await post(event))) failures += 1;
      }
    };
    await Promise.all(Array.from({ length: PER_EVENT_CONCURRENCY }, lane));
    agent?.destroy();
    return failures;
  };
}

const run =
  way === 'forwarder'
    ? await viaForwarder()
    : way === 'posthog-node' || way === 'posthog-node-flush'
      ? await viaPostHogNode(way === 'posthog-node-flush' ? batchSize : undefined)
      : viaOnePostPerEvent(way === 'per-event-keepalive');
const cpu0 = process.cpuUsage();
const logBytes0 = logBytes();
const t0 = performance.now();
const clientFailures = await run();
const result: WorkerResult = {
  way,
  events: events.length,
  wallSeconds: (performance.now() - t0) / 1000,
  cpuSeconds: cpuSecondsSince(cpu0),
  clientFailures,
  invocations: handlerCalls,
  logBytes: logBytes() - logBytes0,
};
process.send?.(result, () => process.exit(0));
