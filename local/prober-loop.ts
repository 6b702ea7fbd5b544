import type { SQSClient } from '@aws-sdk/client-sqs';
import { probeOnce } from '#shared/delivery/prober';
import { sqsProberQueues } from '#shared/delivery/sqs-prober';
import { USER_AGENT } from '#shared/mapping/library';
import type { Config } from '#shared/platform/config';
import { createLogger, createMetrics } from '#shared/platform/observability';
import { createSecrets } from '#shared/platform/secrets';
import { readSecretsManager } from '#shared/platform/secrets-manager-reader';
import { createNodeHttpTransport } from '#shared/lib/node-http-transport';
import { POSTHOG_POOL, postRawBatch } from '#shared/posthog/capture-client';

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
  const transport = createNodeHttpTransport(POSTHOG_POOL);
  const client = { send: transport.send, timeoutMs: config.posthogTimeoutMs, userAgent: USER_AGENT };
  const secrets = createSecrets(config, readSecretsManager);
  const deps = {
    ...sqsProberQueues({ sqs, queueUrl, queueArn: options.queueArn, dlqUrl: options.dlqUrl, hideSeconds: config.outage.probeSeconds }),
    settings: config.outage,
    eventSource: { setEnabled: async (enabled: boolean) => options.poller.setEnabled(enabled) },
    maxReceiveCount: config.maxReceiveCount,
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
      await transport.close();
    },
  };
}
