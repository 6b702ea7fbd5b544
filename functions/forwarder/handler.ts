import { loadConfig, requireQueueUrl } from '#shared/platform/config';
import { createDeadLetterQueue } from '#shared/delivery/dead-letter';
import { createForwarderHandler } from '#shared/delivery/sqs-batch-handler';
import { createLogger, createMetrics, withLambdaContext } from '#shared/platform/observability';
import { CONNECT_TIMEOUT_MS, POSTHOG_POOL, postRawBatch } from '#shared/posthog/capture-client';
import { createNodeHttpTransport } from '#shared/lib/node-http-transport';
import { DEFAULT_RETRY } from '#shared/lib/retry-policy';
import { createSecrets } from '#shared/platform/secrets';
import { createExtensionSecretReader } from '#shared/platform/secrets-extension';
import { createSqsClient, LAMBDA_SQS_LIMITS } from '#shared/platform/sqs-client';
import { USER_AGENT } from '#shared/mapping/library';
import { createVisibilityController } from '#shared/delivery/visibility';
import { stateCacheMs } from '#shared/delivery/outage';
import { createSqsRequeue } from '#shared/delivery/requeue';
import { createQueueTagSwitch } from '#shared/platform/queue-tag-switch';

const config = loadConfig();
if (!config.dlqUrl) throw new Error('invalid configuration: DLQ_URL is required');
const sqs = createSqsClient(LAMBDA_SQS_LIMITS);
// One keep-alive pool per container, reused across invocations.
const { send } = createNodeHttpTransport({ ...POSTHOG_POOL, connectTimeoutMs: Math.min(CONNECT_TIMEOUT_MS, config.posthogTimeoutMs) });
const client = { send, timeoutMs: config.posthogTimeoutMs, userAgent: USER_AGENT };
const logger = createLogger('forwarder');
const metrics = createMetrics('forwarder');
const queueUrl = requireQueueUrl(config);
const { outage } = config;

const forward = createForwarderHandler({
  defaultDestination: config.posthogHost,
  secrets: createSecrets(config, createExtensionSecretReader({ send, env: process.env })),
  post: (destination, apiKey, events, timeoutMs) => postRawBatch({ ...client, timeoutMs }, destination, apiKey, events),
  requestTimeoutMs: config.posthogTimeoutMs,
  deadLetters: createDeadLetterQueue({ sqs, dlqUrl: config.dlqUrl }),
  visibility: createVisibilityController({ sqs, queueUrl }),
  visibilityPolicy: { baseSeconds: outage.retryBaseSeconds, capSeconds: outage.retryMaxSeconds },
  outage: {
    switch: createQueueTagSwitch({ sqs, queueUrl, cacheMs: stateCacheMs(outage), now: Date.now }),
    settings: outage,
    requeue: createSqsRequeue({ sqs, queueUrl }),
    maxReceiveCount: config.maxReceiveCount,
  },
  retry: DEFAULT_RETRY,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: Date.now,
  safetyMarginMs: 3_000,
  logger,
  metrics,
});

/** SQS event source entry with partial batch failures (ReportBatchItemFailures); log lines carry the invocation's context. */
export const handler = withLambdaContext(logger, forward);
