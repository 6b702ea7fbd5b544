import { createSqsClient, LAMBDA_SQS_LIMITS } from '#shared/sqs-client';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Agent } from 'undici';
import { loadConfig, requireQueueUrl } from '#shared/config';
import { createSqsEventQueue } from '#shared/event-queue';
import { type HttpResponse, json } from '#shared/http-response';
import { handleIntake, type IntakeDeps } from '#shared/intake';
import { LIB_NAME } from '#shared/map-connector';
import { createLogger, createMetrics } from '#shared/observability';
import { postBatch } from '#shared/posthog-client';
import { checkProjectKey } from '#shared/posthog-key-check';
import { createSecrets } from '#shared/secrets';
import { LIB_VERSION } from '#shared/version';

// Built once per cold start; a bad configuration fails here, naming the variable.
const config = loadConfig();
const logger = createLogger('intake');
const metrics = createMetrics('intake');
// For ?verify=1 only: one keep-alive pool per container. Two PostHog calls (key check, capture) of at most 2 s each
// fit the intake's 6 s Lambda timeout and MoEngage's 5 s wait.
const VERIFY_TIMEOUT_MS = 2_000;
const posthog = {
  dispatcher: new Agent({ keepAliveTimeout: 30_000, connections: 4, connect: { timeout: VERIFY_TIMEOUT_MS } }),
  timeoutMs: Math.min(config.posthogTimeoutMs, VERIFY_TIMEOUT_MS),
  userAgent: `${LIB_NAME}/${LIB_VERSION}`,
};
const deps: IntakeDeps = {
  config,
  secrets: createSecrets(config),
  queue: createSqsEventQueue({ sqs: createSqsClient(LAMBDA_SQS_LIMITS), queueUrl: requireQueueUrl(config) }),
  logger,
  metrics,
  now: () => new Date(),
  libVersion: LIB_VERSION,
  verify: {
    post: (destination, apiKey, events) => postBatch(posthog, destination, apiKey, events),
    checkKey: (destination, apiKey) => checkProjectKey(posthog, destination, apiKey),
  },
};

/** API Gateway HTTP API (payload v2) entry: POST /v1/connector, GET /v1/health. */
export const handler = async (event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
  try {
    return await handleIntake(event, deps);
  } catch (error) {
    logger.error('unexpected intake error', { request_id: event.requestContext?.requestId, error });
    return json(500, { status: 'error', message: 'internal error; retry later' });
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
