import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { extractToken, isAuthorized } from './auth.ts';
import type { Config } from './config.ts';
import { type EventQueue, encodeMessage, MAX_MESSAGE_BYTES, messageSize, type QueueMessage } from './event-queue.ts';
import { type HttpResponse, json, rejected } from './http-response.ts';
import { eventPath, mapConnectorBody } from './map-connector.ts';
import { count, countWithDimension } from './observability.ts';
import type { SendResult } from './posthog-client.ts';
import { type PostHogEvent, summarize } from './posthog-event.ts';
import type { KeyCheck } from './posthog-key-check.ts';
import { parseRequestBody } from './request-body.ts';
import type { Secrets } from './secrets.ts';
import type { FieldIssue } from './warnings.ts';

/** Synchronous delivery for `?verify=1` (the forwarder's PostHog client and the flags-endpoint key check). */
export interface PostHogVerifier {
  post(destination: string, apiKey: string, events: readonly PostHogEvent[]): Promise<SendResult>;
  checkKey(destination: string, apiKey: string): Promise<KeyCheck>;
}

export interface IntakeDeps {
  config: Pick<Config, 'posthogHost' | 'maxBodyBytes' | 'strict' | 'personlessEvents'>;
  secrets: Secrets;
  queue: EventQueue;
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
  libVersion: string;
  /** Without it, `?verify=1` answers 503. */
  verify?: PostHogVerifier;
}

/** What a route decided: the response, and what the one log line and the metrics say about it. */
export interface Outcome {
  response: HttpResponse;
  outcome: 'ok' | 'queued' | 'dry_run' | 'verified' | 'rejected' | 'failed';
  /** Why a request was not accepted (the Rejected metric's dimension). */
  reason?: string;
  /** Extra log fields: counts, paths and ids only, never values, tokens or keys. */
  log?: Record<string, unknown>;
}

type Route = { auth: boolean; handle: (event: APIGatewayProxyEventV2, deps: IntakeDeps) => Promise<Outcome> };

/** The routing table: path → method → handler. Add a route here (DESIGN.md, "Public contract"). */
const ROUTES: Record<string, Record<string, Route>> = {
  '/v1/health': { GET: { auth: false, handle: async () => ({ response: json(200, { status: 'ok' }), outcome: 'ok' }) } },
  '/v1/connector': { POST: { auth: true, handle: (event, deps) => handleConnector(event, deps) } },
};

const REALM = 'Bearer realm="moengage-posthog-forwarder"';
/** `?dry_run`, `?dry_run=1`, `?dry_run=true` are on; absent, `0`, `false`, `no` are off. */
const isOn = (value: string | undefined): boolean => value !== undefined && !['0', 'false', 'no'].includes(value.toLowerCase());

export const reject = (status: number, reason: string, errors: FieldIssue[], log: Record<string, unknown> = {}): Outcome => ({
  response: rejected(status, errors),
  outcome: 'rejected',
  reason,
  log: { error_paths: errors.map((e) => e.path), ...log },
});

/**
 * Handles one API Gateway HTTP API (v2) request: route → auth → the route's handler. Writes exactly one log line
 * (outcome, reason, counts; no values, tokens or keys) and the metrics Received, Queued and Rejected{reason}.
 */
export async function handleIntake(event: APIGatewayProxyEventV2, deps: IntakeDeps): Promise<HttpResponse> {
  const path = event.rawPath.replace(/\/+$/, '') || '/';
  const method = event.requestContext.http.method.toUpperCase();
  const route = ROUTES[path]?.[method];
  const result = route ? await run(route, event, deps) : unrouted(path, method);
  if (path !== '/v1/health') count(deps.metrics, 'Received');
  if (result.reason !== undefined) countWithDimension(deps.metrics, 'Rejected', 'reason', result.reason);
  const { statusCode } = result.response;
  const fields = {
    request_id: event.requestContext.requestId,
    route: path,
    method,
    status: statusCode,
    outcome: result.outcome,
    ...(result.reason !== undefined && { reason: result.reason }),
    ...result.log,
  };
  if (statusCode >= 500) deps.logger.error('intake request', fields);
  else if (statusCode >= 400) deps.logger.warn('intake request', fields);
  else deps.logger.info('intake request', fields);
  return result.response;
}

function unrouted(path: string, method: string): Outcome {
  const methods = ROUTES[path];
  if (!methods) {
    const known = Object.entries(ROUTES).flatMap(([p, m]) => Object.keys(m).map((verb) => `${verb} ${p}`));
    return {
      response: json(404, { status: 'not_found', message: `no route ${path}; use ${known.join(', ')}` }),
      outcome: 'rejected',
      reason: 'not_found',
    };
  }
  const allow = Object.keys(methods).join(', ');
  return {
    response: json(405, { status: 'method_not_allowed', message: `${method} is not allowed: use ${allow} ${path}` }, { allow }),
    outcome: 'rejected',
    reason: 'method_not_allowed',
  };
}

async function run(route: Route, event: APIGatewayProxyEventV2, deps: IntakeDeps): Promise<Outcome> {
  if (route.auth) {
    let tokens: string[];
    try {
      tokens = await deps.secrets.webhookTokens();
    } catch (error) {
      return unavailable('secrets_unavailable', 'the webhook tokens could not be read; retry later', error);
    }
    if (!isAuthorized(extractToken(event.headers?.authorization), tokens)) {
      const body = { status: 'unauthorized', message: 'missing or wrong token: send Authorization: Bearer <token>' };
      return { response: json(401, body, { 'www-authenticate': REALM }), outcome: 'rejected', reason: 'unauthorized' };
    }
  }
  return route.handle(event, deps);
}

export function unavailable(reason: string, message: string, error: unknown): Outcome {
  return {
    response: json(503, { status: 'unavailable', message: `${message}; nothing was accepted` }, { 'retry-after': '5' }),
    outcome: 'failed',
    reason,
    log: { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) },
  };
}

/** POST /v1/connector: parse → map → (size check) → dry run, verify, or queue. */
async function handleConnector(event: APIGatewayProxyEventV2, deps: IntakeDeps): Promise<Outcome> {
  const headers = event.headers ?? {};
  const body = parseRequestBody(
    { body: event.body, isBase64Encoded: event.isBase64Encoded, contentType: headers['content-type'] },
    deps.config.maxBodyBytes,
  );
  if (!body.ok) return reject(body.status, body.reason, body.errors);
  let apiKey: string;
  try {
    apiKey = await deps.secrets.posthogApiKey();
  } catch (error) {
    return unavailable('secrets_unavailable', 'the PostHog project key could not be read; retry later', error);
  }
  const now = deps.now();
  const mapped = mapConnectorBody(body.value, {
    now,
    requestId: event.requestContext.requestId,
    libVersion: deps.libVersion,
    configuredApiKey: apiKey,
    personlessEvents: deps.config.personlessEvents,
    strict: deps.config.strict,
  });
  const log = { format: body.format };
  if (!mapped.ok) return reject(400, 'invalid', mapped.errors, log);
  const { events, warnings } = mapped;
  const messages = events.map(
    (e): QueueMessage => ({ event: e, destination: deps.config.posthogHost, origin: 'connector', receivedAt: now.toISOString() }),
  );
  const tooLarge = oversized(messages, (index) => eventPath(body.value, index));
  if (tooLarge.length > 0) return reject(413, 'event_too_large', tooLarge, log);
  const summary = { ...log, events: events.length, warning_paths: warnings.map((w) => w.path), uuids: events.map((e) => e.uuid) };

  const params = event.queryStringParameters ?? {};
  if (isOn(params.dry_run)) {
    return { response: json(200, { status: 'dry_run', events, warnings }), outcome: 'dry_run', log: summary };
  }
  if (isOn(params.verify)) return verify(events, warnings, apiKey, deps, summary);
  try {
    await deps.queue.enqueue(messages);
  } catch (error) {
    // QueueUnavailableError, or anything else the SQS client threw: nothing is acknowledged unless queued.
    return unavailable('queue_unavailable', 'the queue is unavailable; retry later', error);
  }
  count(deps.metrics, 'Queued', events.length);
  const response = json(200, { status: 'ok', queued: events.length, events: events.map(summarize), warnings });
  return { response, outcome: 'queued', log: summary };
}

/** Events that cannot fit one SQS message (the queue's 1 MiB limit, attributes included) → 413 naming them. */
function oversized(messages: readonly QueueMessage[], pathOf: (index: number) => string): FieldIssue[] {
  return messages.flatMap((message, index) => {
    const size = messageSize(encodeMessage(message));
    if (size <= MAX_MESSAGE_BYTES) return [];
    return [{ path: pathOf(index), message: `maps to an event of ${size} bytes; one event may take at most ${MAX_MESSAGE_BYTES} bytes` }];
  });
}

/** `?verify=1`: check the project key, deliver now; 200 only if PostHog accepted, else 502 with its status and message. */
async function verify(
  events: PostHogEvent[],
  warnings: FieldIssue[],
  apiKey: string,
  deps: IntakeDeps,
  log: Record<string, unknown>,
): Promise<Outcome> {
  if (!deps.verify) return unavailable('verify_unavailable', 'verification is not configured', 'no PostHog client');
  const host = deps.config.posthogHost;
  const check = await deps.verify.checkKey(host, apiKey);
  if (check.status === 'invalid') {
    const body = {
      status: 'verify_failed',
      stage: 'key_check',
      posthog_status: check.httpStatus,
      posthog_message: check.message,
      message: `PostHog at ${host} does not recognise the project API key configured in the forwarder (POSTHOG_API_KEY): nothing was sent. Copy the key (phc_…) from the PostHog project settings.`,
      warnings,
    };
    return {
      response: json(502, body),
      outcome: 'failed',
      reason: 'verify_key_invalid',
      log: { ...log, posthog_status: check.httpStatus },
    };
  }
  const notes =
    check.status === 'unchecked'
      ? [...warnings, { path: 'verify', message: `the project key was not checked: ${check.reason}` }]
      : warnings;
  const sent = await deps.verify.post(host, apiKey, events);
  if (!sent.ok) {
    const body = {
      status: 'verify_failed',
      stage: 'capture',
      posthog_status: sent.status ?? null,
      posthog_message: sent.message,
      message: `PostHog at ${host} did not accept the events${sent.status === undefined ? '' : ` (HTTP ${sent.status})`}: ${sent.message}`,
      events: events.map(summarize),
      warnings: notes,
    };
    return { response: json(502, body), outcome: 'failed', reason: 'verify_rejected', log: { ...log, posthog_status: sent.status } };
  }
  count(deps.metrics, 'Verified', events.length);
  const body = { status: 'verified', delivered: events.length, events: events.map(summarize), warnings: notes };
  return { response: json(200, body), outcome: 'verified', log: { ...log, posthog_status: sent.status, key_check: check.status } };
}
