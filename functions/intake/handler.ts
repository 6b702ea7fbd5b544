import { createSqsClient, LAMBDA_SQS_LIMITS } from '#shared/platform/sqs-client';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { loadConfig, requireQueueUrl } from '#shared/platform/config';
import { createSqsEventQueue } from '#shared/queue/event-queue';
import { type HttpResponse, json } from '#shared/intake/http-response';
import { handleIntake, type IntakeDeps } from '#shared/intake/router';
import { createPostHogVerifier } from '#shared/intake/posthog-verifier';
import { createLogger, createMetrics, withLambdaContext } from '#shared/platform/observability';
import { createSecrets } from '#shared/platform/secrets';
import { createExtensionSecretReader, EXTENSION_POOL } from '#shared/platform/secrets-extension';
import { createNodeHttpTransport } from '#shared/lib/node-http-transport';
import { LIB_VERSION, USER_AGENT } from '#shared/mapping/library';

// Built once per cold start; a bad configuration fails here, naming the variable.
const config = loadConfig();
const logger = createLogger('intake');
const metrics = createMetrics('intake');
// ?verify=1 only (MoEngage's Test button), through Node's built-in fetch. Two PostHog calls of at most 2 s each fit
// the 6 s Lambda timeout and MoEngage's 5 s wait.
const VERIFY_TIMEOUT_MS = 2_000;
const deps: IntakeDeps = {
  config,
  secrets: createSecrets(config, createExtensionSecretReader({ send: createNodeHttpTransport(EXTENSION_POOL).send, env: process.env })),
  queue: createSqsEventQueue({ sqs: createSqsClient(LAMBDA_SQS_LIMITS), queueUrl: requireQueueUrl(config) }),
  logger,
  metrics,
  now: () => new Date(),
  libVersion: LIB_VERSION,
  verify: createPostHogVerifier({ timeoutMs: Math.min(config.posthogTimeoutMs, VERIFY_TIMEOUT_MS), userAgent: USER_AGENT }),
};

/** API Gateway HTTP API (payload v2) entry: POST /v1/connector, GET /v1/health. */
export const handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse> = withLambdaContext(
  logger,
  async (event) => {
    try {
      return await handleIntake(event, deps);
    } catch (error) {
      logger.error('unexpected intake error', { request_id: event.requestContext?.requestId, error });
      return json(500, { status: 'error', message: 'internal error; retry later' });
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  },
);
