import { LambdaClient } from '@aws-sdk/client-lambda';
import { createDeadLetterQueue } from '#shared/delivery/dead-letter';
import { probeOnce } from '#shared/delivery/prober';
import { createSqsRequeue } from '#shared/delivery/requeue';
import { createSqsProbeQueue } from '#shared/delivery/sqs-probe-queue';
import { USER_AGENT } from '#shared/mapping/library';
import { loadConfig, requireQueueUrl } from '#shared/platform/config';
import { createEsmEventSource } from '#shared/platform/esm-event-source';
import { createLogger, createMetrics } from '#shared/platform/observability';
import { createQueueTagSwitch } from '#shared/platform/queue-tag-switch';
import { createSecrets } from '#shared/platform/secrets';
import { createSqsClient, LAMBDA_SQS_LIMITS } from '#shared/platform/sqs-client';
import { createPostHogDispatcher, postRawBatch } from '#shared/posthog/capture-client';

const config = loadConfig();
if (!config.dlqUrl) throw new Error('invalid configuration: DLQ_URL is required');
const { EVENT_SOURCE_MAPPING_ID: esmId, QUEUE_ARN: queueArn } = process.env;
if (!esmId) throw new Error('invalid configuration: EVENT_SOURCE_MAPPING_ID is required');
const sqs = createSqsClient(LAMBDA_SQS_LIMITS);
const queueUrl = requireQueueUrl(config);
const client = { dispatcher: createPostHogDispatcher(), timeoutMs: config.posthogTimeoutMs, userAgent: USER_AGENT };
const secrets = createSecrets(config);
const metrics = createMetrics('prober');

/** Scheduled every OUTAGE_PROBE_SECONDS (at most once a minute): see shared/delivery/prober.ts. */
export const handler = async (): Promise<{ verdict: string }> => {
  try {
    const verdict = await probeOnce({
      switch: createQueueTagSwitch({ sqs, queueUrl, cacheMs: 0, now: Date.now }),
      settings: config.outage,
      eventSource: createEsmEventSource({ lambda: new LambdaClient({}), uuid: esmId }),
      queue: createSqsProbeQueue({ sqs, queueUrl, queueArn: queueArn ?? '', hideSeconds: 60 }),
      requeue: createSqsRequeue({ sqs, queueUrl }),
      maxReceiveCount: config.maxReceiveCount,
      deadLetters: createDeadLetterQueue({ sqs, dlqUrl: config.dlqUrl ?? '' }),
      defaultDestination: config.posthogHost,
      apiKey: () => secrets.posthogApiKey(),
      post: (destination, apiKey, events) => postRawBatch(client, destination, apiKey, events),
      now: Date.now,
      logger: createLogger('prober'),
      metrics,
    });
    return { verdict };
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
