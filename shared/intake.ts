import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { extractToken, isAuthorized } from './auth.ts';
import type { Config } from './config.ts';
import { type EventQueue, QueueUnavailableError } from './event-queue.ts';
import { type HttpResponse, json, rejected } from './http-response.ts';
import { mapConnectorBody } from './map-connector.ts';
import { count, countWithDimension } from './observability.ts';
import { summarize } from './posthog-event.ts';
import { parseRequestBody } from './request-body.ts';
import type { Secrets } from './secrets.ts';
import { handleStreams } from './streams-intake.ts';

export interface IntakeDeps {
  config: Pick<Config, 'posthogHost' | 'maxBodyBytes' | 'strict' | 'personlessEvents' | 'streams'>;
  secrets: Secrets;
  queue: EventQueue;
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
  libVersion: string;
}

const REALM = 'Bearer realm="moengage-posthog-forwarder"';
const ROUTES: Record<string, string[]> = { '/v1/health': ['GET'], '/v1/connector': ['POST'], '/v1/streams': ['POST'] };
const isOn = (value: string | undefined): boolean => value === '1' || value === 'true';

/** Routes one API Gateway HTTP API (v2) request: health; else auth, then a Streams batch or a connector request. */
export async function handleIntake(event: APIGatewayProxyEventV2, deps: IntakeDeps): Promise<HttpResponse> {
  const path = event.rawPath.replace(/\/+$/, '') || '/';
  const method = event.requestContext.http.method.toUpperCase();
  const requestId = event.requestContext.requestId;
  const allowed = ROUTES[path];
  if (!allowed) return json(404, { status: 'not_found', message: `no route ${path}; use POST /v1/connector or POST /v1/streams` });
  if (!allowed.includes(method))
    return json(405, { status: 'method_not_allowed', message: `use ${allowed.join(', ')} ${path}` }, { allow: allowed.join(', ') });
  if (path === '/v1/health') return json(200, { status: 'ok' });

  const log = (outcome: string, status: number, extra: Record<string, unknown> = {}) =>
    deps.logger.info('connector request', { request_id: requestId, route: path, outcome, status, ...extra });
  const reject = (reason: string, response: HttpResponse, extra: Record<string, unknown> = {}) => {
    countWithDimension(deps.metrics, 'Rejected', 'reason', reason);
    log('rejected', response.statusCode, { reason, ...extra });
    return response;
  };
  count(deps.metrics, 'Received');

  const headers = event.headers ?? {};
  if (!isAuthorized(extractToken(headers.authorization), await deps.secrets.webhookTokens())) {
    return reject(
      'unauthorized',
      json(
        401,
        { status: 'unauthorized', message: 'missing or wrong token: send Authorization: Bearer <token>' },
        { 'www-authenticate': REALM },
      ),
    );
  }
  if (path === '/v1/streams') return handleStreams(event, deps);
  const body = parseRequestBody(
    { body: event.body, isBase64Encoded: event.isBase64Encoded, contentType: headers['content-type'] },
    deps.config.maxBodyBytes,
  );
  if (!body.ok)
    return reject(body.status === 400 ? 'invalid' : String(body.status), rejected(body.status, body.errors), {
      errors: body.errors.map((e) => e.path),
    });

  const now = deps.now();
  const mapped = mapConnectorBody(body.value, {
    now,
    requestId,
    libVersion: deps.libVersion,
    configuredApiKey: await deps.secrets.posthogApiKey(),
    personlessEvents: deps.config.personlessEvents,
    strict: deps.config.strict,
  });
  if (!mapped.ok) return reject('invalid', rejected(400, mapped.errors), { errors: mapped.errors.map((e) => e.path) });
  const { events, warnings } = mapped;
  const params = event.queryStringParameters ?? {};
  if (isOn(params.dry_run)) {
    log('dry_run', 200, { events: events.length, warnings: warnings.length });
    return json(200, { status: 'dry_run', events, warnings });
  }
  try {
    await deps.queue.enqueue(
      events.map((e) => ({ event: e, destination: deps.config.posthogHost, origin: 'connector', receivedAt: now.toISOString() })),
    );
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    deps.logger.error('queue unavailable', { request_id: requestId, error });
    return reject(
      'queue_unavailable',
      json(503, { status: 'unavailable', message: 'the queue is unavailable; nothing was accepted, retry later' }, { 'retry-after': '5' }),
    );
  }
  count(deps.metrics, 'Queued', events.length);
  log('queued', 200, { events: events.length, warnings: warnings.length, uuids: events.map((e) => e.uuid) });
  return json(200, { status: 'ok', queued: events.length, events: events.map(summarize), warnings });
}
