import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { loadConfig } from '#shared/platform/config';
import { createSqsClient } from '#shared/platform/sqs-client';
import { startPoller } from '../local/poller.ts';
import { startLocalProber } from '../local/prober-loop.ts';
import { LOCAL_AWS } from '../local/sqs-server.ts';
import { cpuSecondsSince } from './stats.ts';
import { BENCH_API_KEY } from './workload.ts';

/**
 * The forwarder as deployed, in a process of its own (forked by bench/recovery.ts): the real
 * functions/forwarder/handler.ts fed by `pollers` copies of the local event source (the event source's
 * maxConcurrency) and the outage prober of the local runner, against the fauxqs process and the fake PostHog.
 * Arguments: SQS endpoint, queue URL, DLQ URL, PostHog URL, pollers, probe seconds.
 * IPC out: {type:'event-source', enabled, at} on every change the prober makes; {type:'stopped', errors, cpuSeconds}.
 * IPC in: 'stop'.
 */
export type RecoveryWorkerMessage =
  | { type: 'event-source'; enabled: boolean; at: number }
  | { type: 'stopped'; errors: string[]; cpuSeconds: number };

const [endpoint, queueUrl, dlqUrl, posthogUrl, pollers, probeSeconds] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
Object.assign(process.env, {
  POSTHOG_HOST: posthogUrl,
  POSTHOG_API_KEY: BENCH_API_KEY,
  QUEUE_URL: queueUrl,
  DLQ_URL: dlqUrl,
  AWS_REGION: LOCAL_AWS.region,
  AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
  AWS_ENDPOINT_URL_SQS: endpoint,
  POWERTOOLS_SERVICE_NAME: 'forwarder',
  POWERTOOLS_METRICS_NAMESPACE: 'bench',
  // Pauses and resumes reach the bench through IPC; errors of the poller and the prober are collected below.
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  // Compressed time, as the tests and `npm start` use it: a probe a second, records hidden at most 2 s.
  OUTAGE_PROBE_SECONDS: probeSeconds,
  RETRY_BASE_SECONDS: '1',
  RETRY_MAX_SECONDS: String(2 * Number(probeSeconds)),
});
const send = (message: RecoveryWorkerMessage, then: () => void = () => {}) => process.send?.(message, then);

const { handler } = await import('../functions/forwarder/handler.ts');
const sqs = createSqsClient({ ...LOCAL_AWS, endpoint });
const queueArn =
  (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
const errors: string[] = [];
const onError = (error: unknown) => errors.push((error as Error).message);
const cpu0 = process.cpuUsage();
// Like the event source mapping at maxConcurrency N: N receive loops, each invoking the handler with its batch.
const sources = Array.from({ length: Number(pollers) }, () => startPoller({ sqs, queueUrl, queueArn, handler, onError }));
let enabled = true;
const prober = startLocalProber({
  config: loadConfig(process.env),
  sqs,
  queueUrl,
  dlqUrl,
  queueArn,
  poller: {
    setEnabled: (value) => {
      for (const source of sources) source.setEnabled(value);
      if (value !== enabled) send({ type: 'event-source', enabled: value, at: Date.now() });
      enabled = value;
    },
  },
  onError,
});

process.on('message', async (message: unknown) => {
  if (message !== 'stop') return;
  await prober.stop();
  await Promise.all(sources.map((s) => s.stop()));
  sqs.destroy();
  send({ type: 'stopped', errors, cpuSeconds: cpuSecondsSince(cpu0) }, () => process.exit(0));
});
