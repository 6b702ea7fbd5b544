import type { SQSClient } from '@aws-sdk/client-sqs';
import { createDeadLetterQueue } from '#shared/delivery/dead-letter';
import { probeOnce } from '#shared/delivery/prober';
import { createSqsRequeue } from '#shared/delivery/requeue';
import { createSqsProbeQueue } from '#shared/delivery/sqs-probe-queue';
import { USER_AGENT } from '#shared/mapping/library';
import type { Config } from '#shared/platform/config';
import { createLogger, createMetrics } from '#shared/platform/observability';
import { createQueueTagSwitch } from '#shared/platform/queue-tag-switch';
import { createSecrets } from '#shared/platform/secrets';
import { createPostHogDispatcher, postRawBatch } from '#shared/posthog/capture-client';

/**
 * Plays the stack's scheduled prober (functions/prober) every OUTAGE_PROBE_SECONDS, with the local poller as the
 * event source whose Enabled flag it turns (shared/delivery/prober.ts).
 */
export function startLocalProber(options: {
  config: Config;
  sqs: SQSClient;
  queueUrl: string;
  dlqUrl: string;
  queueArn: string;
  poller: { setEnabled(enabled: boolean): void };
  onError: (error: unknown) => void;
}): { stop(): Promise<void> } {
  const { config, sqs, queueUrl } = options;
  const dispatcher = createPostHogDispatcher();
  const client = { dispatcher, timeoutMs: config.posthogTimeoutMs, userAgent: USER_AGENT };
  const secrets = createSecrets(config);
  const deps = {
    switch: createQueueTagSwitch({ sqs, queueUrl, cacheMs: 0, now: Date.now }),
    settings: config.outage,
    eventSource: { setEnabled: async (enabled: boolean) => options.poller.setEnabled(enabled) },
    queue: createSqsProbeQueue({ sqs, queueUrl, queueArn: options.queueArn, hideSeconds: Math.max(1, config.outage.probeSeconds) }),
    requeue: createSqsRequeue({ sqs, queueUrl }),
    maxReceiveCount: config.maxReceiveCount,
    deadLetters: createDeadLetterQueue({ sqs, dlqUrl: options.dlqUrl }),
    defaultDestination: config.posthogHost,
    apiKey: () => secrets.posthogApiKey(),
    post: (destination: string, apiKey: string, events: readonly string[]) => postRawBatch(client, destination, apiKey, events),
    now: Date.now,
    logger: createLogger('prober'),
    metrics: createMetrics('prober'),
  };
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = probeOnce(deps).catch(options.onError);
  }, config.outage.probeSeconds * 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
      await dispatcher.close();
    },
  };
}
