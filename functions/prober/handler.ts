import { LambdaClient } from '@aws-sdk/client-lambda';
import { probeOnce, type ProberDeps } from '#shared/delivery/prober';
import { sqsProberQueues } from '#shared/delivery/sqs-prober';
import { USER_AGENT } from '#shared/mapping/library';
import { loadConfig, requireQueueUrl } from '#shared/platform/config';
import { createEsmEventSource } from '#shared/platform/esm-event-source';
import { createLogger, createMetrics, withLambdaContext } from '#shared/platform/observability';
import { createSecrets } from '#shared/platform/secrets';
import { createExtensionSecretReader } from '#shared/platform/secrets-extension';
import { createSqsClient, LAMBDA_SQS_LIMITS } from '#shared/platform/sqs-client';
import { POSTHOG_POOL, postRawBatch } from '#shared/posthog/capture-client';
import { createNodeHttpTransport } from '#shared/lib/node-http-transport';

const config = loadConfig();
const { dlqUrl } = config;
const { EVENT_SOURCE_MAPPING_ID: esmId, QUEUE_ARN: queueArn } = process.env;
if (!dlqUrl) throw new Error('invalid configuration: DLQ_URL is required');
if (!esmId) throw new Error('invalid configuration: EVENT_SOURCE_MAPPING_ID is required');
if (!queueArn) throw new Error('invalid configuration: QUEUE_ARN is required');
const sqs = createSqsClient(LAMBDA_SQS_LIMITS);
const client = { send: createNodeHttpTransport(POSTHOG_POOL).send, timeoutMs: config.posthogTimeoutMs, userAgent: USER_AGENT };
const secrets = createSecrets(config, createExtensionSecretReader({ send: client.send, env: process.env }));
const logger = createLogger('prober');
const metrics = createMetrics('prober');
// Built once per container, like every function's clients (a scheduled run reuses them while the container lives).
const deps: ProberDeps = {
  ...sqsProberQueues({ sqs, queueUrl: requireQueueUrl(config), queueArn, dlqUrl, hideSeconds: 60 }),
  settings: config.outage,
  eventSource: createEsmEventSource({ lambda: new LambdaClient({}), uuid: esmId }),
  maxReceiveCount: config.maxReceiveCount,
  defaultDestination: config.posthogHost,
  apiKey: () => secrets.posthogApiKey(),
  post: (destination, apiKey, events) => postRawBatch(client, destination, apiKey, events),
  now: Date.now,
  logger,
  metrics,
};

/** Scheduled every OUTAGE_PROBE_SECONDS (at most once a minute): see shared/delivery/prober.ts. */
export const handler = withLambdaContext(logger, async (): Promise<{ verdict: string }> => {
  try {
    return { verdict: await probeOnce(deps) };
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
});
