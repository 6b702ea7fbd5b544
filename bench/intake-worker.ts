import { lambdaContext } from '../local/lambda-context.ts';
import { benchRequest } from './http-api-event.ts';
import { spread } from './stats.ts';
import { BENCH_API_KEY, smallConnectorBody } from './workload.ts';
import { countStdoutBytes } from './stdout-bytes.ts';

/**
 * The intake handler alone, in a fresh process (forked by bench/intake.ts): `functions/intake/handler.ts` called
 * with API Gateway v2 events, queueing to fauxqs in another process through the real AWS SDK client. Reports the
 * CPU this process used per request (handler + SDK: what the intake Lambda pays) and handler latencies.
 */
export interface IntakeWorkerResult {
  requests: number;
  accepted: number;
  wallSeconds: number;
  cpuMicrosPerRequest: number;
  p50: number;
  p99: number;
  /** Bytes written to stdout (the function's log: EMF metrics and log lines) per request, at the deployed INFO level. */
  logBytesPerRequest: number;
}

const [endpoint, queueUrl, count, concurrency] = process.argv.slice(2) as [string, string, string, string];
Object.assign(process.env, {
  POSTHOG_HOST: 'us',
  POSTHOG_API_KEY: BENCH_API_KEY,
  WEBHOOK_TOKEN: 'bench-token',
  QUEUE_URL: queueUrl,
  AWS_ENDPOINT_URL_SQS: endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  POWERTOOLS_SERVICE_NAME: 'intake',
  POWERTOOLS_METRICS_NAMESPACE: 'bench',
  POWERTOOLS_LOG_LEVEL: 'INFO',
});
const logBytes = countStdoutBytes();
const { handler } = await import('../functions/intake/handler.ts');

const event = (i: number) =>
  benchRequest({
    path: '/v1/connector',
    body: smallConnectorBody(i),
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench-token' },
    requestId: `bench-${i}`,
  });

async function drive(n: number, lanes: number, offset: number): Promise<{ accepted: number; latencies: number[] }> {
  let next = 0;
  let accepted = 0;
  const latencies: number[] = [];
  const lane = async () => {
    while (next < n) {
      const i = offset + next++;
      const t0 = performance.now();
      const response = await handler(event(i), lambdaContext('intake', 6_000));
      latencies.push(performance.now() - t0);
      if (response.statusCode === 200) accepted += 1;
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return { accepted, latencies };
}

const n = Number(count);
const lanes = Number(concurrency);
await drive(Math.min(500, n), lanes, 1_000_000); // warm-up: JIT, keep-alive connections
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const { accepted, latencies } = await drive(n, lanes, 0);
const wallSeconds = (performance.now() - t0) / 1000;
const used = process.cpuUsage(cpu0);
// Log bytes one request at a time, as a Lambda instance serves them: concurrent requests in one process share the
// Metrics buffer, so one EMF document can carry several requests' values and the concurrent count would be low.
const sequential = Math.min(200, n);
const logBytes1 = logBytes();
await drive(sequential, 1, 2_000_000);
const sorted = [...latencies].sort((a, b) => a - b);
const result: IntakeWorkerResult = {
  requests: n,
  accepted,
  wallSeconds,
  cpuMicrosPerRequest: (used.user + used.system) / n,
  p50: spread(latencies).median,
  p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
  logBytesPerRequest: (logBytes() - logBytes1) / sequential,
};
process.send?.(result, () => process.exit(0));
