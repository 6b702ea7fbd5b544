import { createSqsClient } from '#shared/sqs-client';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { Agent } from 'undici';
import { loadConfig } from '#shared/config';
import { createDeadLetterQueue } from '#shared/dead-letter';
import { type ForwarderDeps, handleSqsBatch } from '#shared/forwarder';
import { createLogger, createMetrics } from '#shared/observability';
import { postBatch } from '#shared/posthog-client';
import { DEFAULT_RETRY } from '#shared/retry-policy';
import { createSecrets } from '#shared/secrets';
import { LIB_VERSION } from '#shared/version';
import { LIB_NAME } from '#shared/map-connector';

const config = loadConfig();
if (!config.dlqUrl) throw new Error('invalid configuration: DLQ_URL is required');
const logger = createLogger('forwarder');
const metrics = createMetrics('forwarder');
// One keep-alive pool per container, reused across invocations.
const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 16, connect: { timeout: 5_000 } });
const client = { dispatcher, timeoutMs: config.posthogTimeoutMs, userAgent: `${LIB_NAME}/${LIB_VERSION}` };

const deps: ForwarderDeps = {
  defaultDestination: config.posthogHost,
  secrets: createSecrets(config),
  post: (destination, apiKey, events) => postBatch(client, destination, apiKey, events),
  deadLetters: createDeadLetterQueue({ sqs: createSqsClient(), dlqUrl: config.dlqUrl }),
  retry: DEFAULT_RETRY,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: Date.now,
  safetyMarginMs: 2_000,
  logger,
  metrics,
};

/** SQS event source entry with partial batch failures (ReportBatchItemFailures). */
export const handler = async (event: SQSEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse> => {
  try {
    return await handleSqsBatch(event, () => context.getRemainingTimeInMillis(), deps);
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
